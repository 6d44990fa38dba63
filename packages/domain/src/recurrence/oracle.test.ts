import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { DateRule } from './engine.js';
import { parseRecurrence } from './normalize.js';
import type { RecurrenceRule, WeekdayNum } from './rule.js';
import { WEEKDAYS } from './words.js';

/*
 * Differential test of the rrule-temporal wrapper against a brute-force reading of RFC 5545
 * §3.3.10 for this app's subset: walk every day, keep those in an in-phase period that pass the
 * BY* table (expand/limit, DTSTART defaults), apply BYSETPOS per period.
 */

const isoDay = (w: WeekdayNum['weekday']): number => WEEKDAYS.indexOf(w) + 1;

function matchesByDay(date: Temporal.PlainDate, items: WeekdayNum[], yearScope: boolean): boolean {
  return items.some(({ weekday, n }) => {
    if (date.dayOfWeek !== isoDay(weekday)) return false;
    if (n === 0) return true;
    const pos = yearScope ? date.dayOfYear : date.day;
    const size = yearScope ? date.daysInYear : date.daysInMonth;
    return n > 0 ? Math.ceil(pos / 7) === n : Math.floor((size - pos) / 7) + 1 === -n;
  });
}

function matchesMonthDay(date: Temporal.PlainDate, days: number[]): boolean {
  return days.some((d) => (d > 0 ? date.day === d : date.daysInMonth + d + 1 === date.day));
}

function inRule(rule: RecurrenceRule, start: Temporal.PlainDate, date: Temporal.PlainDate): boolean {
  const { byMonth, byMonthDay, byDay } = rule;
  if (byMonth.length > 0 && !byMonth.includes(date.month)) return false;
  switch (rule.freq) {
    case 'DAILY':
      return (
        (byMonthDay.length === 0 || matchesMonthDay(date, byMonthDay)) && (byDay.length === 0 || matchesByDay(date, byDay, false))
      );
    case 'WEEKLY':
      return byDay.length > 0 ? matchesByDay(date, byDay, false) : date.dayOfWeek === start.dayOfWeek;
    case 'MONTHLY':
      if (byMonthDay.length === 0 && byDay.length === 0) return date.day === start.day;
      return (
        (byMonthDay.length === 0 || matchesMonthDay(date, byMonthDay)) && (byDay.length === 0 || matchesByDay(date, byDay, false))
      );
    case 'YEARLY': {
      if (byMonthDay.length === 0 && byDay.length === 0) {
        return (byMonth.length > 0 || date.month === start.month) && date.day === start.day;
      }
      const yearScope = byMonth.length === 0;
      return (
        (byMonthDay.length === 0 || matchesMonthDay(date, byMonthDay)) &&
        (byDay.length === 0 || matchesByDay(date, byDay, yearScope))
      );
    }
  }
}

function periodKey(rule: RecurrenceRule, date: Temporal.PlainDate): number {
  const epochDay = date.since('1970-01-01').days;
  switch (rule.freq) {
    case 'DAILY':
      return epochDay;
    case 'WEEKLY': {
      const wkst = isoDay(rule.wkst ?? 'MO');
      return (epochDay - ((date.dayOfWeek - wkst + 7) % 7) + 3) / 7; // 1970-01-05 was a Monday
    }
    case 'MONTHLY':
      return date.year * 12 + date.month;
    case 'YEARLY':
      return date.year;
  }
}

function oracle(rule: RecurrenceRule, start: Temporal.PlainDate, end: Temporal.PlainDate): string[] {
  const periods = new Map<number, Temporal.PlainDate[]>();
  const first = periodKey(rule, start);
  // Start a year early so the start's whole period is seen (BYSETPOS counts dates before DTSTART).
  // … and end a year late so BYSETPOS never counts from the end of a truncated period.
  const last = end.add({ years: 1 });
  for (let d = start.subtract({ years: 1 }); Temporal.PlainDate.compare(d, last) <= 0; d = d.add({ days: 1 })) {
    const key = periodKey(rule, d);
    if (key < first || (key - first) % rule.interval !== 0 || !inRule(rule, start, d)) continue;
    periods.set(key, [...(periods.get(key) ?? []), d]);
  }
  const out: string[] = [];
  for (const [, dates] of [...periods].sort((a, b) => a[0] - b[0])) {
    const picked =
      rule.bySetPos.length === 0
        ? dates
        : dates.filter((_, i) => rule.bySetPos.includes(i + 1) || rule.bySetPos.includes(i - dates.length));
    for (const d of picked) {
      if (Temporal.PlainDate.compare(d, start) > 0 && Temporal.PlainDate.compare(d, end) <= 0) out.push(d.toString());
    }
  }
  return out;
}

const weekday = fc.constantFrom(...WEEKDAYS);
const nz = (max: number): fc.Arbitrary<number> => fc.integer({ min: -max, max }).filter((n) => n !== 0);
const ruleArb = fc
  .record({
    freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
    interval: fc.integer({ min: 1, max: 3 }),
    byMonth: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { minLength: 1, maxLength: 4 }), { nil: undefined }),
    byMonthDay: fc.option(fc.array(nz(31), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    byDay: fc.option(fc.array(fc.tuple(fc.oneof(fc.constant(0), nz(5)), weekday), { minLength: 1, maxLength: 3 }), {
      nil: undefined,
    }),
    bySetPos: fc.option(fc.array(nz(4), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    wkst: fc.option(weekday, { nil: undefined }),
  })
  .map((r) => {
    const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
    if (r.byMonth) parts.push(`BYMONTH=${r.byMonth.join(',')}`);
    if (r.byMonthDay) parts.push(`BYMONTHDAY=${r.byMonthDay.join(',')}`);
    if (r.byDay) parts.push(`BYDAY=${r.byDay.map(([n, d]) => `${n || ''}${d}`).join(',')}`);
    if (r.bySetPos) parts.push(`BYSETPOS=${r.bySetPos.join(',')}`);
    if (r.wkst) parts.push(`WKST=${r.wkst}`);
    return parts.join(';');
  })
  .map((text) => {
    try {
      return parseRecurrence(text, 'rule');
    } catch {
      return null;
    }
  })
  .filter((rule): rule is RecurrenceRule => rule !== null);

describe('DateRule agrees with a brute-force RFC 5545 expansion', () => {
  it('for generated rules over three years', () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 0, max: 3650 }), (rule, offset) => {
        const start = Temporal.PlainDate.from('2024-01-01').add({ days: offset });
        const end = start.add({ years: 3 });
        const expected = oracle(rule, start, end).slice(0, 12);
        const engine = new DateRule(rule, start);
        const actual: string[] = [];
        for (
          let d = engine.after(start);
          d !== null && Temporal.PlainDate.compare(d, end) <= 0 && actual.length < 12;
          d = engine.after(d)
        ) {
          actual.push(d.toString());
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
