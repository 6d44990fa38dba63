/**
 * How many requests may be in progress at once, learnt from how long they take. By Little's
 * law the requests in progress are throughput × latency: a fixed bound high enough for a fast
 * machine lets a slow one queue far past any latency goal, and one low enough for the slow
 * machine starves the fast. So the bound follows the latency: every window it shrinks in
 * proportion while requests take longer than the target, and grows by a tenth while they are
 * faster and the bound was what turned requests away. It never leaves [floor, ceiling].
 *
 * Pure arithmetic on the times it is given; the caller owns the clock.
 */

/** Evaluation period: short enough to react within a fraction of a second, long enough for a sample. */
export const WINDOW_MS = 100;
/** Never below: a few requests always run, so the latency of a working server is measured at all. */
export const FLOOR = 4;
/**
 * Where the bound starts: low enough that a sudden flood is admitted a little at a time while the
 * first windows measure it, high enough that the connections a flood opens at once are not all
 * refused and sent back to retry while they are still being accepted. Measured with
 * bench:overload (400 connections at 4× the sustainable rate, quiet machine): 64 met every goal
 * in 4 of 7 runs, 16 and 32 in none of 3 (docs/benchmarks.md).
 */
export const INITIAL = 64;
/** The share of a window's requests allowed to be slower than the target. */
const PERCENTILE = 0.9;
/** At most this many samples per window are kept (enough for its percentile). */
const MAX_SAMPLES = 1000;
/** Shrink at most to this share per window: one bad window does not collapse the bound. */
const MAX_DECREASE = 0.5;
const INCREASE = 0.1;

export interface ConcurrencyLimitOptions {
  /** Latency goal of a request, ms. */
  targetMs: number;
  /** The bound never grows past this (Infinity: no ceiling). */
  ceiling: number;
}

export class ConcurrencyLimit {
  private current: number;
  private windowStart: number;
  private samples: number[] = [];
  /** Whether a request was turned away by the bound during this window. */
  private binding = false;

  constructor(
    private readonly opts: ConcurrencyLimitOptions,
    now: number,
  ) {
    this.current = Math.min(opts.ceiling, INITIAL);
    this.windowStart = now;
  }

  /** The bound now (whole requests). */
  get limit(): number {
    return Math.floor(this.current);
  }

  /**
   * Whether one more request may start while `inFlight` are in progress. `stuck` is how long
   * the requests in progress have been waiting (the caller's measure of a queue that nothing
   * leaves, which completed requests alone would never show).
   */
  admits(inFlight: number, now: number, stuck: () => number): boolean {
    if (now - this.windowStart >= WINDOW_MS) this.evaluate(now, stuck());
    if (inFlight < this.limit) return true;
    this.binding = true;
    return false;
  }

  /** A request that was admitted finished after `ms`. */
  record(ms: number): void {
    if (this.samples.length < MAX_SAMPLES) this.samples.push(Math.max(0, ms));
  }

  private evaluate(now: number, stuckMs: number): void {
    const observed = Math.max(percentile(this.samples, PERCENTILE), stuckMs);
    if (observed > this.opts.targetMs) {
      const shrunk = this.current * Math.max(MAX_DECREASE, this.opts.targetMs / observed);
      this.current = Math.min(this.opts.ceiling, Math.max(FLOOR, shrunk));
    } else if (this.binding) {
      this.current = Math.min(this.opts.ceiling, this.current + Math.max(1, this.current * INCREASE));
    }
    this.samples = [];
    this.binding = false;
    this.windowStart = now;
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = values.sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
