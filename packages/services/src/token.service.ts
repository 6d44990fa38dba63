/**
 * Personal API tokens with scopes and expiry; the secret is shown once, stored hashed.
 *
 * A session may create any token. A token may create only tokens with no more scopes and no
 * later expiry than its own, and may revoke only itself and what it created; revoking a token
 * revokes everything minted from it, transitively (docs/security.md).
 */
import { DomainError, enforce, policy, type ApiToken, type TokenCreate } from '@todo/domain';
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
    enforce(policy.mintToken(principal, { scopes: input.scopes, expiresAt }));
    const { secret, hash, prefix } = newTokenSecret();
    const token = await this.deps.store.repos.tokens.insert({
      id: this.deps.ids.next(),
      userId: principal.userId,
      name: input.name,
      tokenHash: hash,
      prefix,
      scopes: [...input.scopes],
      expiresAt,
      parentId: principal.via === 'token' ? (principal.tokenId ?? null) : null,
      createdAt: now,
    });
    // Its parent was revoked while this request ran: a token minted now would outlive the revocation.
    if (!token) throw new DomainError('UNAUTHENTICATED', 'the token making this request was revoked');
    return { token, secret };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    const { tokens } = this.deps.store.repos;
    if (principal.via === 'token') {
      const lineage = await tokens.lineage(principal.userId, id);
      if (!lineage.length) throw new DomainError('TOKEN_NOT_FOUND', 'no such token');
      enforce(policy.revokeToken(principal, lineage));
    }
    const hashes = await tokens.deleteTree(principal.userId, id);
    if (!hashes.length) throw new DomainError('TOKEN_NOT_FOUND', 'no such token');
    for (const hash of hashes) this.auth.forget(hash);
  }
}
