/**
 * Sign-up and email change that never tell whether an address already has an account.
 *
 * With mail (SMTP_URL), both answer "confirmation sent" whatever the address: a free address
 * gets a single-use link that expires, and only opening it creates the account or moves the
 * email; a taken address gets a notice to its owner instead. Both paths do the same slow work
 * (a password hash), and the mail leaves after the answer, so neither the answer nor its
 * timing differs. Without mail nothing can be confirmed: sign-up is open only while the
 * instance has no account, and an email change only while the account is the only one —
 * then there is nobody to discover (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { DomainError, assertTimeZone, isDomainError, type SignUp, type User } from '@todo/domain';
import { isUniqueViolation, toUser } from '@todo/storage';
import type { AccountMail, AccountNotice } from './account-mail.js';
import { signUpClosed, type AuthService, type Session } from './auth.service.js';
import type { ServiceDeps } from './deps.js';
import { RetryLaterError } from './security/login-throttle.js';
import { hashPassword } from './security/password.js';
import { hashToken } from './security/tokens.js';

export interface ConfirmationOptions {
  /** Where account mail goes; absent when no mail server is configured. */
  mail?: AccountMail | undefined;
  /** PUBLIC_URL: links in the mail point here. */
  publicUrl: string;
  /** How long a link works; 24 hours by default. */
  linkTtlMs?: number;
  /** Told of a mail that could not be sent (mail leaves after the answer, so nobody else hears of it). */
  onMailError?: (error: unknown) => void;
  /** Email-change mails one account may cause per hour; 5 by default. */
  emailChangesPerHour?: number;
  /** Invitation mails one account may cause per hour; 30 by default. */
  invitationsPerHour?: number;
}

export type SignUpOutcome = { status: 'created'; session: Session } | { status: 'confirmation-sent' };
export type Confirmed = { purpose: 'signup'; session: Session } | { purpose: 'email-change'; user: User };

const LINK_GONE = 'this link was already used or has expired';

const HOUR_MS = 3600_000;

export class EmailConfirmationService {
  private readonly sending = new Set<Promise<void>>();
  private readonly ttlMs: number;
  /**
   * When each account's recent email-change mails left. Each change mails an address the
   * account chose, so without a ceiling one account could make this server mail anyone as
   * often as it likes. Kept in memory: each replica counts on its own, like the login throttle.
   */
  private readonly changeMails = new Map<string, number[]>();
  /** The same ceiling for invitations: each one mails an address the inviter chose. */
  private readonly invitationMails = new Map<string, number[]>();

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly auth: Pick<AuthService, 'signUp' | 'insertAccount' | 'openSession'>,
    private readonly options: ConfirmationOptions,
  ) {
    this.ttlMs = options.linkTtlMs ?? 24 * 3600_000;
  }

  /** Self-service sign-up. */
  async signUp(input: SignUp): Promise<SignUpOutcome> {
    if (!this.options.mail) return { status: 'created', session: await this.firstAccount(input) };
    const timeZone = input.timeZone ? assertTimeZone(input.timeZone, 'timeZone') : 'UTC';
    // Hashed on both paths: the hash is nearly all the time either takes.
    const passwordHash = await hashPassword(input.password);
    const existing = await this.lookUp(input.email);
    if (existing) {
      this.send({ kind: 'signup-for-existing-account', to: existing.email, signInUrl: this.signInUrl() });
    } else {
      const { link, expiresAt } = await this.issue({
        purpose: 'signup',
        email: input.email,
        passwordHash,
        name: input.name ?? null,
        timeZone,
      });
      this.send({ kind: 'confirm-signup', to: input.email, link, expiresAt });
    }
    return { status: 'confirmation-sent' };
  }

  /**
   * A new email for an account whose owner already gave the password: 'confirmation-sent' (a
   * link or a notice went to the address) or, without mail and with no other account, 'apply'.
   */
  async changeEmail(userId: string, email: string): Promise<'confirmation-sent' | 'apply'> {
    if (!this.options.mail) {
      if ((await this.deps.store.repos.users.count()) > 1) throw emailChangeUnavailable();
      return 'apply';
    }
    this.count(this.changeMails, userId, this.options.emailChangesPerHour ?? 5, 'email changes');
    const existing = await this.lookUp(email);
    if (existing) {
      this.send({ kind: 'email-change-to-existing-account', to: existing.email, signInUrl: this.signInUrl() });
    } else {
      const { link, expiresAt } = await this.issue({ purpose: 'email-change', email, userId });
      this.send({ kind: 'confirm-email-change', to: email, link, expiresAt });
    }
    return 'confirmation-sent';
  }

  /** What the link would do, for its page; changes nothing (mail scanners open links). */
  async preview(token: string): Promise<{ purpose: 'signup' | 'email-change'; email: string }> {
    const row = await this.deps.store.repos.emailConfirmations.find(hashToken(token), this.deps.clock.now());
    if (!row) throw new DomainError('LINK_USED', LINK_GONE);
    return { purpose: row.purpose, email: row.email };
  }

  /** Does what the link says, once: creates the account (and signs it in) or moves the email. */
  async confirm(token: string): Promise<Confirmed> {
    const now = this.deps.clock.now();
    try {
      const done = await this.deps.store.transaction(async (repos) => {
        const row = await repos.emailConfirmations.take(hashToken(token), now);
        if (!row) throw new DomainError('LINK_USED', LINK_GONE);
        if (row.purpose === 'signup') {
          const account = { email: row.email, name: row.name, passwordHash: row.passwordHash!, timeZone: row.timeZone ?? 'UTC' };
          return { purpose: 'signup' as const, user: await this.auth.insertAccount(repos, account) };
        }
        const updated = await repos.users.update(row.userId!, { email: row.email, updatedAt: now });
        if (!updated) throw new DomainError('LINK_USED', LINK_GONE);
        return { purpose: 'email-change' as const, user: toUser(updated) };
      });
      return done.purpose === 'signup' ? { purpose: 'signup', session: await this.auth.openSession(done.user) } : done;
    } catch (error) {
      // Whoever opened the link reads that address's mail: telling them it is taken reveals nothing.
      if (isUniqueViolation(error)) {
        throw new DomainError('LINK_STALE', 'this address has had an account since the link was sent: sign in with it');
      }
      throw error;
    }
  }

  /** Resolves once every account mail started so far was handed to the mail server (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  private async firstAccount(input: SignUp): Promise<Session> {
    try {
      return await this.auth.signUp(input, { onlyIfFirst: true });
    } catch (error) {
      // Another first sign-up with this address won the race: the instance is no longer empty.
      if (isDomainError(error) && error.code === 'EMAIL_TAKEN') throw signUpClosed();
      throw error;
    }
  }

  /** The account with this email, if any; on either path, first forgets links nobody opened in time. */
  private async lookUp(email: string) {
    await this.deps.store.repos.emailConfirmations.deleteExpired(this.deps.clock.now());
    return this.deps.store.repos.users.findByEmail(email);
  }

  private async issue(
    fields:
      | { purpose: 'signup'; email: string; passwordHash: string; name: string | null; timeZone: string }
      | { purpose: 'email-change'; email: string; userId: string },
  ): Promise<{ link: string; expiresAt: Date }> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.ttlMs);
    await this.deps.store.repos.emailConfirmations.insert({
      id: this.deps.ids.next(),
      tokenHash: hashToken(secret),
      expiresAt,
      ...fields,
    });
    return { link: `${this.options.publicUrl}/confirm/${secret}`, expiresAt };
  }

  /**
   * An invitation's mail goes through the account mail path, under the same kind of hourly
   * ceiling as email changes: `countInvitation` before the invitation is written (refused with
   * 429), `mailInvitation` after it commits. Without mail, the invitee sees it in the app only.
   */
  countInvitation(userId: string): void {
    this.count(this.invitationMails, userId, this.options.invitationsPerHour ?? 30, 'invitations');
  }

  mailInvitation(notice: Extract<AccountNotice, { kind: 'project-invitation' }>): void {
    if (this.options.mail) this.send(notice);
  }

  /** Where the app is, for links in mail. */
  get publicUrl(): string {
    return this.options.publicUrl;
  }

  /** Refuses what would exceed the account's hourly mail ceiling (429, Retry-After). */
  private count(mails: Map<string, number[]>, userId: string, limit: number, what: string): void {
    const now = this.deps.clock.now().getTime();
    const recent = (mails.get(userId) ?? []).filter((at) => at > now - HOUR_MS);
    if (recent.length >= limit) {
      const seconds = Math.max(1, Math.ceil((recent[0]! + HOUR_MS - now) / 1000));
      throw new RetryLaterError(`too many ${what}; try again in ${seconds} s`, seconds);
    }
    mails.delete(userId); // re-inserted last: the map's order is oldest activity first
    mails.set(userId, [...recent, now]);
    if (mails.size > 100_000) mails.delete(mails.keys().next().value!);
  }

  private signInUrl(): string {
    return `${this.options.publicUrl}/`;
  }

  private send(notice: AccountNotice): void {
    const sending: Promise<void> = this.options
      .mail!.send(notice)
      .catch((error: unknown) => this.options.onMailError?.(error))
      .finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }
}

export const emailChangeUnavailable = () =>
  new DomainError(
    'EMAIL_CHANGE_UNAVAILABLE',
    'this server sends no mail, so a new email cannot be confirmed: ask its administrator to configure SMTP_URL',
  );
