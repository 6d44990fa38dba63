/**
 * Throttles password guessing without letting a stranger lock the owner out.
 *
 * Failures are counted per (account, client): after `freeFailures` wrong passwords the next
 * attempt from that client for that account must wait, twice as long after each further
 * failure, up to `maxDelayMs`. Another client — the owner at home — has its own count, so
 * someone else's failures alone never lock the owner out. A client that fails across many
 * accounts (spraying one password over a list of emails) meets a ceiling of its own:
 * `clientCeiling` failures per `clientWindowMs`, then nothing from it until the window ends.
 * Attempts still being checked count as failures for these limits, so a burst of parallel
 * guesses gets no more tries than the same guesses one after another.
 *
 * "Client" is the request's address as Fastify reports it, which is the real one only when
 * TRUST_PROXY names the proxies in front (docs/security.md). Counts live in this process's
 * memory: each replica throttles on its own, and a restart forgets them.
 */
import { isIPv6 } from 'node:net';
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
  /** Attempts whose password is being checked now, by pair and by client. */
  private readonly pending = new Map<string, number>();
  private readonly options: LoginThrottleOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<LoginThrottleOptions> = {},
  ) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /**
   * One password attempt under the limits: throws RetryLaterError without calling `verify`
   * when this client may not try this account now; else runs it and records the outcome
   * (a truthy result is the right password).
   */
  async guard<T>(account: string, client: string, verify: () => Promise<T>): Promise<T> {
    const pair = pairKey(account, clientKey(client));
    const byClient = `client\n${clientKey(client)}`;
    this.check(pair, clientKey(client), byClient);
    this.count(pair, 1);
    this.count(byClient, 1);
    let ok = false;
    try {
      const result = await verify();
      ok = Boolean(result);
      return result;
    } finally {
      this.count(pair, -1);
      this.count(byClient, -1);
      if (ok) this.pairs.delete(pair);
      else this.failed(pair, clientKey(client));
    }
  }

  private check(pair: string, client: string, byClient: string): void {
    const now = this.clock.now().getTime();
    const { clientCeiling, clientWindowMs, freeFailures } = this.options;
    const ceiling = this.clientState(client, now);
    if ((ceiling?.failures ?? 0) + this.pendingOf(byClient) >= clientCeiling) {
      throw this.refusal((ceiling?.windowStart ?? now) + clientWindowMs - now);
    }
    const state = this.pairState(pair, now);
    if (state && state.blockedUntil > now) throw this.refusal(state.blockedUntil - now);
    const inFlight = this.pendingOf(pair);
    if (inFlight > 0 && (state?.failures ?? 0) + inFlight >= freeFailures) throw this.refusal(1000);
  }

  private failed(pair: string, client: string): void {
    const now = this.clock.now().getTime();
    const { freeFailures, baseDelayMs, maxDelayMs } = this.options;
    const failures = (this.pairState(pair, now)?.failures ?? 0) + 1;
    const over = failures - freeFailures;
    const blockedUntil = over > 0 ? now + Math.min(maxDelayMs, baseDelayMs * 2 ** (over - 1)) : 0;
    this.remember(this.pairs, pair, { failures, blockedUntil, lastFailure: now });
    const ceiling = this.clientState(client, now);
    this.remember(
      this.clients,
      client,
      ceiling ? { ...ceiling, failures: ceiling.failures + 1 } : { windowStart: now, failures: 1 },
    );
  }

  /** A pair quiet for longer than the longest delay starts again from zero. */
  private pairState(pair: string, now: number): PairState | undefined {
    const state = this.pairs.get(pair);
    return state && now - state.lastFailure < this.options.maxDelayMs ? state : undefined;
  }

  private clientState(client: string, now: number): ClientState | undefined {
    const state = this.clients.get(client);
    if (!state || now - state.windowStart >= this.options.clientWindowMs || now < state.windowStart) return undefined;
    return state;
  }

  private pendingOf(key: string): number {
    return this.pending.get(key) ?? 0;
  }

  private count(key: string, delta: number): void {
    const next = this.pendingOf(key) + delta;
    if (next > 0) this.pending.set(key, next);
    else this.pending.delete(key);
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

/**
 * Whom a client address stands for: an IPv6 address by its /64, since one subscriber usually
 * holds a whole /64 and could otherwise take a fresh address, and a fresh count, per guess.
 * IPv4 (also IPv4-mapped IPv6) stays whole.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
