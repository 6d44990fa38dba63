/**
 * Accounts and authentication: sign-up, login, logout, and turning a bearer credential
 * (session JWT or API token) into a Principal.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { DomainError, assertTimeZone, type LogIn, type PasswordChange, type SignUp, type User } from '@todo/domain';
import { isUniqueViolation, toUser, type Repositories } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './security/password.js';
import { hashToken, looksLikeApiToken } from './security/tokens.js';
import { TtlCache } from './security/ttl-cache.js';
import { LoginThrottle, type LoginThrottleOptions } from './security/login-throttle.js';

export interface AuthOptions {
  jwtSecret: string;
  /** Session lifetime. */
  sessionTtlSeconds?: number;
  /**
   * How long a verified credential is trusted without a database round trip. Logout and
   * token revocation take effect at once on the replica that handled them, within this
   * window on the others (docs/security.md).
   */
  credentialCacheMs?: number;
  /** Password-guessing limits (security/login-throttle.ts); defaults suit a server. */
  loginThrottle?: Partial<LoginThrottleOptions>;
}

/** Where a password attempt comes from: the client address (TRUST_PROXY decides which one). */
export type ClientKey = string;

export interface Session {
  user: User;
  token: string;
  expiresAt: Date;
}

/** An account's fields as stored: the password already hashed. */
export interface NewAccount {
  email: string;
  name: string | null;
  passwordHash: string;
  timeZone: string;
}

export interface AccountOptions {
  /** Administers the instance; by default only the first account does. */
  admin?: boolean;
  /** Refuse (SIGNUP_CLOSED) once any account exists. */
  onlyIfFirst?: boolean;
}

export const signUpClosed = () =>
  new DomainError('SIGNUP_CLOSED', 'sign-up is closed on this server: ask its administrator for an account (`todo user create`)');

const JWT_ISSUER = 'todo-app';
const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'missing, invalid or expired credentials');

export class AuthService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly cache: TtlCache<Principal | null>;
  /**
   * Session JWTs whose signature was already checked, by their exact text. A signature does not
   * change, so this skips only the HMAC; expiry is still checked every time, and the session's
   * liveness (logout, expiry) goes through `cache` and the database as before.
   */
  private readonly verified = new TtlCache<{ sub: string; sid: string; exp: number }>(10 * 60_000);
  private dummyHash: Promise<string> | undefined;
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    options: AuthOptions,
  ) {
    this.key = new TextEncoder().encode(options.jwtSecret);
    this.ttlSeconds = options.sessionTtlSeconds ?? 30 * 24 * 3600;
    this.cache = new TtlCache(options.credentialCacheMs ?? 10_000);
    this.throttle = new LoginThrottle(deps.clock, options.loginThrottle);
  }

  /**
   * Creates an account at once: the operator's way (`todo user create`), and the first account
   * of an instance without mail. Self-service sign-up goes through EmailConfirmationService,
   * which never tells whether an address is taken; this answers EMAIL_TAKEN to the operator.
   */
  async signUp(input: SignUp, options: AccountOptions = {}): Promise<Session> {
    const timeZone = input.timeZone ? assertTimeZone(input.timeZone, 'timeZone') : 'UTC';
    const passwordHash = await hashPassword(input.password);
    try {
      const account = { email: input.email, name: input.name ?? null, passwordHash, timeZone };
      const user = await this.deps.store.transaction((repos) => this.insertAccount(repos, account, options));
      return await this.openSession(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.field('EMAIL_TAKEN', 'email', 'an account with this email exists');
      throw error;
    }
  }

  /** Inserts an account in the caller's transaction; a taken email fails as a unique violation. */
  async insertAccount(repos: Repositories, account: NewAccount, options: AccountOptions = {}): Promise<User> {
    const existing = await repos.users.count();
    if (options.onlyIfFirst && existing > 0) throw signUpClosed();
    const now = this.deps.clock.now();
    const row = await repos.users.insert({
      id: this.deps.ids.next(),
      ...account,
      // The first account administers the instance (dead letters), as in most self-hosted apps.
      isAdmin: options.admin ?? existing === 0,
      createdAt: now,
      updatedAt: now,
    });
    return toUser(row);
  }

  async logIn(input: LogIn, client: ClientKey = 'local'): Promise<Session> {
    const row = await this.throttle.guard(input.email, client, async () => {
      const found = await this.deps.store.repos.users.findByEmail(input.email);
      // Spend the same time on an unknown email as on a real check, so timing does not reveal which emails exist.
      const hash = found?.passwordHash ?? (await (this.dummyHash ??= DUMMY_HASH_PROMISE()));
      return (await verifyPassword(input.password, hash)) ? found : null;
    });
    if (!row) throw new DomainError('INVALID_CREDENTIALS', 'email or password is wrong');
    return this.openSession(toUser(row));
  }

  /**
   * Checks the signed-in user's password before a change of email or password, under the
   * same throttle as login: a stolen token must not become a password oracle.
   */
  async confirmPassword(principal: Principal, password: string, client: ClientKey = 'local'): Promise<void> {
    const row = await this.deps.store.repos.users.findById(principal.userId);
    if (!row) throw unauthenticated();
    if (!(await this.throttle.guard(row.email, client, () => verifyPassword(password, row.passwordHash)))) {
      throw DomainError.field('INVALID_CREDENTIALS', 'currentPassword', 'the current password is wrong');
    }
  }

  /** A new password ends every other session (the one asking stays signed in); API tokens stay. */
  async changePassword(principal: Principal, input: PasswordChange, client: ClientKey = 'local'): Promise<void> {
    await this.confirmPassword(principal, input.currentPassword, client);
    const passwordHash = await hashPassword(input.newPassword);
    await this.deps.store.repos.users.update(principal.userId, { passwordHash, updatedAt: this.deps.clock.now() });
    await this.endSessions(principal.userId, principal.sessionId);
  }

  /** Ends all of the user's sessions, this one included, and with `tokens` revokes every API token too. */
  async signOutEverywhere(principal: Principal, options: { tokens: boolean }): Promise<void> {
    await this.endSessions(principal.userId);
    if (options.tokens) {
      for (const hash of await this.deps.store.repos.tokens.deleteAllOf(principal.userId)) this.forget(hash);
    }
  }

  private async endSessions(userId: string, keep?: string): Promise<void> {
    for (const id of await this.deps.store.repos.sessions.deleteAllOf(userId, keep)) this.forget(id);
  }

  async logOut(principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    await this.deps.store.repos.sessions.delete(principal.sessionId);
    this.forget(principal.sessionId);
  }

  /** Drops a cached credential, after logout or token revocation. */
  forget(cacheKey: string): void {
    this.cache.delete(cacheKey);
  }

  /** Verifies a bearer credential; throws UNAUTHENTICATED. */
  async authenticate(credential: string): Promise<Principal> {
    if (looksLikeApiToken(credential)) return this.authenticateToken(credential);
    return this.authenticateSession(credential);
  }

  /**
   * CalDAV's HTTP Basic: the account's email and one of its API tokens as the password (an app
   * password); the account password is never accepted there. A failure counts under the login
   * throttle, so guessing is refused as at login (docs/caldav.md).
   */
  async authenticateAppPassword(email: string, secret: string, client: ClientKey = 'local'): Promise<Principal> {
    let principal: Principal | null = null;
    if (looksLikeApiToken(secret)) {
      try {
        principal = await this.authenticateToken(secret);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'UNAUTHENTICATED')) throw error;
      }
    }
    if (principal) {
      const user = await this.deps.store.repos.users.findById(principal.userId);
      if (user?.email.toLowerCase() === email.trim().toLowerCase()) return principal;
    }
    await this.throttle.guard(email, client, () => Promise.resolve(null));
    throw new DomainError('INVALID_CREDENTIALS', 'use the account email and an app password (an API token)');
  }

  /** A new session for an account whose owner just proved who they are (login, a confirmed sign-up). */
  async openSession(user: User): Promise<Session> {
    const sessionId = randomUUID();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000);
    await this.deps.store.repos.sessions.insert({ id: sessionId, userId: user.id, expiresAt });
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(JWT_ISSUER)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { user, token, expiresAt };
  }

  private async authenticateSession(jwt: string): Promise<Principal> {
    const { sub, sid } = await this.verifySessionJwt(jwt);
    const cached = this.cache.get(sid);
    if (cached !== undefined) {
      if (!cached) throw unauthenticated();
      return cached;
    }
    const live = await this.deps.store.repos.sessions.isActive(sid, sub, this.deps.clock.now());
    const principal: Principal | null = live ? { userId: sub, scopes: ['read', 'write'], via: 'session', sessionId: sid } : null;
    this.cache.set(sid, principal);
    if (!principal) throw unauthenticated();
    return principal;
  }

  private async verifySessionJwt(jwt: string): Promise<{ sub: string; sid: string }> {
    const now = this.deps.clock.now();
    const known = this.verified.get(jwt);
    if (known) {
      if (known.exp * 1000 <= now.getTime()) throw unauthenticated();
      return known;
    }
    try {
      const { payload } = await jwtVerify(jwt, this.key, { issuer: JWT_ISSUER, algorithms: ['HS256'], currentDate: now });
      const { sub, exp } = payload;
      const sid = payload['sid'];
      if (!sub || typeof sid !== 'string' || typeof exp !== 'number') throw unauthenticated();
      this.verified.set(jwt, { sub, sid, exp });
      return { sub, sid };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw unauthenticated();
      throw error;
    }
  }

  private async authenticateToken(secret: string): Promise<Principal> {
    const hash = hashToken(secret);
    const cached = this.cache.get(hash);
    if (cached !== undefined) {
      if (!cached) throw unauthenticated();
      return cached;
    }
    const now = this.deps.clock.now();
    const found = await this.deps.store.repos.tokens.findActiveByHash(hash, now);
    const principal: Principal | null = found
      ? {
          userId: found.userId,
          scopes: found.token.scopes,
          via: 'token',
          tokenId: found.token.id,
          tokenExpiresAt: found.token.expiresAt ? new Date(found.token.expiresAt) : null,
        }
      : null;
    if (found) await this.deps.store.repos.tokens.touch(found.token.id, now);
    // Cache only live tokens' expiry-free answer briefly; an expired token is re-checked next time.
    this.cache.set(hash, principal);
    if (!principal) throw unauthenticated();
    return principal;
  }
}
