/** What the domain and services need from the outside world, as small interfaces. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  /** A new time-ordered UUID (v7), so ids sort by creation. */
  next(): string;
}
