import type { Clock } from '@todo/domain';

/** A clock tests move by hand: time passes only when the test says so. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2026-11-27T09:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: string | Date): void {
    this.current = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
