/** How long to wait before the next attempt, given how many attempts have failed so far (1, 2, …). */
export type Backoff = (failedAttempts: number) => number;

/** 200 ms, 400 ms, 800 ms … doubling per failed attempt, never more than `maxMs`. */
export const exponentialBackoff =
  (baseMs = 200, maxMs = 30_000): Backoff =>
  (failedAttempts) =>
    Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));

export const defaultBackoff: Backoff = exponentialBackoff();

export const addMs = (instant: Date, ms: number): Date => new Date(instant.getTime() + ms);
