import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../errors.js';
import { describeRecurrence, nextOccurrence, normalizeRecurrence, previewOccurrences } from './index.js';
import { WEEKDAYS } from './words.js';

type Parts = Record<string, string>;

const nonZero = (max: number): fc.Arbitrary<number> => fc.integer({ min: -max, max }).filter((n) => n !== 0);
const weekdaySet = fc.subarray([...WEEKDAYS], { minLength: 1 });
const plainDays = weekdaySet.map((days) => days.join(','));
const ordinalDays = (max: number): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.oneof(fc.constant(0), nonZero(max)), fc.constantFrom(...WEEKDAYS)), { minLength: 1, maxLength: 4 })
    .map((items) => items.map(([n, day]) => `${n === 0 ? '' : n}${day}`).join(','));
const monthDays = fc.array(nonZero(28), { minLength: 1, maxLength: 4 }).map((days) => days.join(','));
const months = fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { minLength: 1 }).map((m) => m.join(','));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });

const end: fc.Arbitrary<Parts> = fc.oneof(
  fc.constant({}),
  fc.integer({ min: 1, max: 1000 }).map((n) => ({ COUNT: String(n) })),
  fc.date({ min: new Date('2026-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => ({
    UNTIL: d.toISOString().slice(0, 10).replaceAll('-', ''),
  })),
  fc.date({ min: new Date('2026-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => ({
    UNTIL: `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`,
  })),
);

/** Rules the phrase grammar can express (no BYSETPOS, no WKST, no BYMONTHDAY+BYDAY). */
const grammarParts: fc.Arbitrary<Parts> = fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY').chain((freq) => {
  const byMonth = maybe(months);
  // Mostly small intervals: large ones are valid but rarely produce more than the start.
  const interval = fc.oneof(
    { arbitrary: fc.constant(1), weight: 4 },
    { arbitrary: fc.integer({ min: 2, max: 4 }), weight: 3 },
    { arbitrary: fc.integer({ min: 5, max: 999 }), weight: 1 },
  );
  const select =
    freq === 'WEEKLY'
      ? fc.record({ BYDAY: maybe(plainDays) })
      : freq === 'DAILY'
        ? fc.oneof(fc.record({ BYDAY: maybe(plainDays) }), fc.record({ BYMONTHDAY: monthDays }))
        : fc.oneof(fc.record({ BYDAY: ordinalDays(5) }), fc.record({ BYMONTHDAY: monthDays }), fc.constant({}));
  return fc.tuple(interval, byMonth, select, end).map(([n, m, sel, e]) => {
    const parts: Parts = { FREQ: freq, INTERVAL: String(n), ...e };
    if (m !== undefined) parts.BYMONTH = m;
    for (const [k, v] of Object.entries(sel)) if (v !== undefined) parts[k] = v;
    return parts;
  });
});

/** Adds what only RRULE text can say. */
const anyParts: fc.Arbitrary<Parts> = fc
  .tuple(grammarParts, maybe(fc.array(nonZero(3), { minLength: 1, maxLength: 2 })), maybe(fc.constantFrom(...WEEKDAYS)))
  .map(([parts, setPos, wkst]) => ({
    ...parts,
    ...(setPos && (parts.BYDAY || parts.BYMONTHDAY) ? { BYSETPOS: setPos.join(',') } : {}),
    ...(wkst ? { WKST: wkst } : {}),
  }));

/** RRULE text in a random part order and case, with or without the prefix. */
const rawRule = (parts: fc.Arbitrary<Parts>): fc.Arbitrary<string> =>
  parts.chain((p) =>
    fc
      .tuple(fc.shuffledSubarray(Object.entries(p), { minLength: Object.keys(p).length }), fc.boolean(), fc.boolean())
      .map(([entries, prefix, lower]) => {
        const text = `${prefix ? 'RRULE:' : ''}${entries.map(([k, v]) => `${k}=${v}`).join(';')}`;
        return lower ? text.toLowerCase() : text;
      }),
  );

const canonicalOrNull = (input: string): string | null => {
  try {
    return normalizeRecurrence(input).rule;
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
};

const validRule = (parts: fc.Arbitrary<Parts>): fc.Arbitrary<string> =>
  rawRule(parts)
    .map(canonicalOrNull)
    .filter((rule): rule is string => rule !== null);

describe('normalizeRecurrence properties', () => {
  it('is idempotent over generated rules', () => {
    fc.assert(
      fc.property(rawRule(anyParts), (input) => {
        const once = canonicalOrNull(input);
        fc.pre(once !== null);
        expect(normalizeRecurrence(once ?? '').rule).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('describe → normalize round-trips every rule the phrase grammar can express', () => {
    fc.assert(
      fc.property(validRule(grammarParts), (rule) => {
        expect(normalizeRecurrence(describeRecurrence(rule)).rule).toBe(rule);
      }),
      { numRuns: 500 },
    );
  });

  const vocabulary = [
    'every',
    'other',
    'on',
    'in',
    'of',
    'the',
    'and',
    ',',
    'day',
    'days',
    'week',
    'month',
    'year',
    'last',
    'to',
    '2nd',
    'first',
    'mon',
    'friday',
    'weekday',
    'until',
    '2027-06-30',
    'for',
    'times',
    '3',
    '0',
    'jan',
    'at',
    '09:00',
    'utc',
    'FREQ=DAILY',
    'BYDAY=',
    ';',
    '=',
    'RRULE:',
    '-1FR',
    'COUNT=2',
  ];
  const garbage = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.array(fc.constantFrom(...vocabulary), { maxLength: 12 }).map((words) => words.join(' ')),
    fc.array(fc.constantFrom(...vocabulary), { maxLength: 12 }).map((words) => words.join('')),
  );

  it('never throws anything but DomainError on garbage', () => {
    fc.assert(
      fc.property(garbage, (input) => {
        try {
          const { rule, text } = normalizeRecurrence(input);
          expect(normalizeRecurrence(rule).rule).toBe(rule);
          expect(typeof text).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('INVALID_RECURRENCE');
        }
      }),
      { numRuns: 1000 },
    );
  });
});

const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'UTC'];
const startArb = fc
  .tuple(
    fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }),
    fc.option(fc.integer({ min: 0, max: 24 * 60 - 1 }), { nil: undefined }),
  )
  .map(([d, minutes]) => {
    const date = d.toISOString().slice(0, 10);
    if (minutes === undefined) return date;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return `${date}T${hh}:${mm}:00`;
  });

describe('occurrence properties', () => {
  it('preview output is strictly increasing, starts at the start and respects count', () => {
    fc.assert(
      fc.property(
        validRule(anyParts),
        startArb,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 25 }),
        (rule, start, timeZone, count) => {
          const out = previewOccurrences({ rule, start, timeZone, count });
          expect(out.length).toBeGreaterThanOrEqual(1);
          expect(out.length).toBeLessThanOrEqual(count);
          expect(out[0]).toBe(start);
          for (let i = 1; i < out.length; i++) expect((out[i] ?? '') > (out[i - 1] ?? '')).toBe(true);
          for (const o of out) expect(o.length).toBe(start.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("nextOccurrence('due') is the occurrence after current in every formulation of preview", () => {
    fc.assert(
      fc.property(
        validRule(anyParts),
        startArb,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 12 }),
        (rule, start, timeZone, i) => {
          const series = previewOccurrences({ rule, start, timeZone, count: i + 2 });
          fc.pre(series.length > i);
          const current = series[i] ?? '';
          const expected = series[i + 1] ?? null;
          const next = nextOccurrence({ rule, seriesStart: start, current, occurrenceIndex: i, repeatFrom: 'due', timeZone });
          expect(next).toBe(expected);
          // Preview strictly after current: its first element is the next occurrence …
          const afterCurrent = previewOccurrences({ rule, start, timeZone, count: 2, after: current });
          expect(afterCurrent[0] ?? null).toBe(expected);
          // … and a preview after the previous occurrence has it second.
          if (i > 0) {
            const afterPrevious = previewOccurrences({ rule, start, timeZone, count: 2, after: series[i - 1] });
            expect(afterPrevious[1] ?? null).toBe(expected);
          }
          // Re-anchoring the series on current gives the same next instance when COUNT is absent.
          if (!rule.includes('COUNT=')) {
            const reanchored = previewOccurrences({ rule, start: current, timeZone, count: 2 });
            expect(reanchored[1] ?? null).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('preview after a far date matches the series walked from its start', () => {
    fc.assert(
      fc.property(
        validRule(anyParts),
        startArb,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        (rule, start, timeZone, k, shiftDays) => {
          const all = previewOccurrences({ rule, start, timeZone, count: 60 });
          fc.pre(all.length > k + 5);
          const pivot = new Date(`${(all[k] ?? '').slice(0, 10)}T00:00:00Z`);
          pivot.setUTCDate(pivot.getUTCDate() + shiftDays);
          const afterDate = pivot.toISOString().slice(0, 10);
          const after = start.length === 10 ? afterDate : `${afterDate}T12:00:00`;
          const expected = all.filter((o) => o > after).slice(0, 3);
          fc.pre(expected.length === 3);
          expect(previewOccurrences({ rule, start, timeZone, count: 3, after })).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
