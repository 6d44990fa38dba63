/** Personal API tokens with scopes and expiry; the secret is shown once, stored hashed. */
import { DomainError, type ApiToken, type TokenCreate } from '@todo/domain';
import type { AuthService } from './auth.service.js';
import type { Principal, ServiceDeps } from './deps.js';
import { newTokenSecret } from './security/tokens.js';

export class TokenService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly auth: Pick<AuthService, 'forget'>,
  ) {}

  list(principal: Principal): Promise<ApiToken[]> {
    return this.deps.store.repos.tokens.list(principal.userId);
  }

  async create(principal: Principal, input: TokenCreate): Promise<{ token: ApiToken; secret: string }> {
    const now = this.deps.clock.now();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= now) throw DomainError.field('VALIDATION_FAILED', 'expiresAt', 'must be in the future');
    // A token can never hold more rights than the credential that mints it.
    if (input.scopes.includes('write') && !principal.scopes.includes('write')) {
      throw DomainError.field('INSUFFICIENT_SCOPE', 'scopes', 'a read-only credential cannot create a write token');
    }
    const { secret, hash, prefix } = newTokenSecret();
    const token = await this.deps.store.repos.tokens.insert({
      id: this.deps.ids.next(),
      userId: principal.userId,
      name: input.name,
      tokenHash: hash,
      prefix,
      scopes: [...input.scopes],
      expiresAt,
      createdAt: now,
    });
    return { token, secret };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    const hash = await this.deps.store.repos.tokens.delete(principal.userId, id);
    if (!hash) throw new DomainError('TOKEN_NOT_FOUND', 'no such token');
    this.auth.forget(hash);
  }
}
