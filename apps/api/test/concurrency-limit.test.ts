/**
 * The adaptive in-flight bound, driven by hand: every time is given, so a window passes when
 * the test says so.
 */
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, FLOOR, INITIAL, WINDOW_MS } from '../src/concurrency-limit.js';

const notStuck = () => 0;

/** Ends the window started at `start` (the next admission evaluates it); returns the new start. */
function nextWindow(limit: ConcurrencyLimit, start: number, stuck = notStuck): number {
  const end = start + WINDOW_MS;
  limit.admits(0, end, stuck);
  return end;
}

/** Turns requests away at the bound, so the bound is what limited this window. */
function saturate(limit: ConcurrencyLimit, now: number): void {
  expect(limit.admits(limit.limit, now, notStuck)).toBe(false);
}

describe('ConcurrencyLimit', () => {
  it('starts low, under its ceiling, and admits only below the bound', () => {
    expect(new ConcurrencyLimit({ targetMs: 100, ceiling: 256 }, 0).limit).toBe(INITIAL);
    const small = new ConcurrencyLimit({ targetMs: 100, ceiling: 3 }, 0);
    expect(small.limit).toBe(3);
    expect(small.admits(2, 1, notStuck)).toBe(true);
    expect(small.admits(3, 1, notStuck)).toBe(false);
  });

  it('shrinks in proportion while requests take longer than the target, down to the floor', () => {
    const limit = new ConcurrencyLimit({ targetMs: 100, ceiling: 256 }, 0);
    for (let i = 0; i < 10; i++) limit.record(125);
    nextWindow(limit, 0);
    expect(limit.limit).toBe(Math.floor(INITIAL * (100 / 125)));
    // Far over the target it halves at most per window, and stops at the floor.
    let start = WINDOW_MS;
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      limit.record(10_000);
      start = nextWindow(limit, start);
      seen.push(limit.limit);
    }
    // From INITIAL × 0.8, halved per window, never under the floor.
    const halved = [1, 2, 3, 4, 5].map((n) => Math.max(FLOOR, Math.floor((INITIAL * 0.8) / 2 ** n)));
    expect(seen).toEqual(halved);
    expect(seen.at(-1)).toBe(FLOOR);
  });

  it('shrinks while requests are stuck in progress, before any of them finishes', () => {
    const limit = new ConcurrencyLimit({ targetMs: 100, ceiling: 256 }, 0);
    nextWindow(limit, 0, () => 400);
    expect(limit.limit).toBe(INITIAL / 2);
  });

  it('ignores the slow tenth of a window: one slow request is just slow', () => {
    const limit = new ConcurrencyLimit({ targetMs: 100, ceiling: 256 }, 0);
    for (let i = 0; i < 9; i++) limit.record(20);
    limit.record(5_000);
    nextWindow(limit, 0);
    expect(limit.limit).toBe(INITIAL);
  });

  it('grows back by a tenth per fast window while it turns requests away, up to its ceiling', () => {
    // A ceiling under INITIAL: the bound starts at the ceiling.
    const limit = new ConcurrencyLimit({ targetMs: 100, ceiling: 16 }, 0);
    limit.record(1_000);
    let start = nextWindow(limit, 0);
    expect(limit.limit).toBe(8);
    // Fast, but nobody was turned away: the bound is not what limits, so it stays.
    limit.record(10);
    start = nextWindow(limit, start);
    expect(limit.limit).toBe(8);
    const seen: number[] = [];
    for (let i = 0; i < 30; i++) {
      limit.record(10);
      saturate(limit, start + 1);
      start = nextWindow(limit, start);
      seen.push(limit.limit);
    }
    expect(seen.slice(0, 4)).toEqual([9, 10, 11, 12]);
    expect(seen.at(-1)).toBe(16);
    expect(Math.max(...seen)).toBe(16);
  });

  it('without a ceiling, grows as far as the latency allows', () => {
    const limit = new ConcurrencyLimit({ targetMs: 100, ceiling: Infinity }, 0);
    let start = 0;
    for (let i = 0; i < 60; i++) {
      limit.record(10);
      saturate(limit, start + 1);
      start = nextWindow(limit, start);
    }
    expect(limit.limit).toBeGreaterThan(1000);
  });
});
