/**
 * Throttles password guessing without letting a stranger lock the owner out.
 *
 * Failures are counted per (account, client): after `freeFailures` wrong passwords the next
 * attempt from that client for that account must wait, twice as long after each further
 * failure, up to `maxDelayMs`. Another client — the owner at home — has its own count, so
 * someone else's failures alone never lock the owner out. A client that fails across many
 * accounts (spraying one password over a list of emails) meets a ceiling of its own:
 * `clientCeiling` failures per `clientWindowMs`, then nothing from it until the window ends.
 *
 * "Client" is the request's address as Fastify reports it, which is the real one only when
 * TRUST_PROXY names the proxies in front (docs/security.md). Counts live in this process's
 * memory: each replica throttles on its own, and a restart forgets them.
 */
import { DomainError, type Clock } from '@todo/domain';

export interface LoginThrottleOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  clientCeiling: number;
  clientWindowMs: number;
  /** Bound on remembered (account, client) pairs and clients; the oldest are forgotten first. */
  maxEntries: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  clientCeiling: 100,
  clientWindowMs: 60 * 60_000,
  maxEntries: 100_000,
};

/** A refusal that says when to come back (sent as `Retry-After`). */
export class RetryLaterError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

interface PairState {
  failures: number;
  /** Epoch ms before which the next attempt is refused. */
  blockedUntil: number;
  lastFailure: number;
}

interface ClientState {
  windowStart: number;
  failures: number;
}

export class LoginThrottle {
  private readonly pairs = new Map<string, PairState>();
  private readonly clients = new Map<string, ClientState>();
  private readonly options: LoginThrottleOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<LoginThrottleOptions> = {},
  ) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /** Throws RetryLaterError when this client may not try a password for this account now. */
  check(account: string, client: string): void {
    const now = this.clock.now().getTime();
    const ceiling = this.clientState(client, now);
    if (ceiling && ceiling.failures >= this.options.clientCeiling) {
      throw this.refusal(ceiling.windowStart + this.options.clientWindowMs - now);
    }
    const pair = this.pairs.get(pairKey(account, client));
    if (pair && pair.blockedUntil > now) throw this.refusal(pair.blockedUntil - now);
  }

  failed(account: string, client: string): void {
    const now = this.clock.now().getTime();
    const { freeFailures, baseDelayMs, maxDelayMs } = this.options;
    const key = pairKey(account, client);
    const previous = this.pairs.get(key);
    // A pair quiet for longer than the longest delay starts again from zero.
    const failures = previous && now - previous.lastFailure < maxDelayMs ? previous.failures + 1 : 1;
    const over = failures - freeFailures;
    const blockedUntil = over > 0 ? now + Math.min(maxDelayMs, baseDelayMs * 2 ** (over - 1)) : 0;
    this.remember(this.pairs, key, { failures, blockedUntil, lastFailure: now });

    const current = this.clientState(client, now);
    this.remember(
      this.clients,
      client,
      current ? { ...current, failures: current.failures + 1 } : { windowStart: now, failures: 1 },
    );
  }

  /** The right password clears the pair's count (not the client's ceiling). */
  succeeded(account: string, client: string): void {
    this.pairs.delete(pairKey(account, client));
  }

  private clientState(client: string, now: number): ClientState | undefined {
    const state = this.clients.get(client);
    if (!state || now - state.windowStart >= this.options.clientWindowMs || now < state.windowStart) return undefined;
    return state;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= this.options.maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  private refusal(waitMs: number): RetryLaterError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new RetryLaterError(`too many failed sign-in attempts; try again in ${seconds} s`, seconds);
  }
}

const pairKey = (account: string, client: string) => `${account.toLowerCase()}\n${client}`;
