import { DomainError } from '../errors.js';
import { UNSUPPORTED_YEAR_MESSAGE, isSupportedYearText } from '../time/local.js';
import { WEEKDAYS, type Weekday } from './words.js';

/*
 * The structured form of the supported RRULE subset. Both input paths (RRULE text and English
 * phrases) produce a RuleDraft and go through `finishRule`, so every rule is validated by the
 * same code and `formatRule` is the only place that decides the canonical spelling.
 */

export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** `n` is the BYDAY ordinal: 0 means "every such weekday", -1 "the last one", 2 "the second". */
export interface WeekdayNum {
  weekday: Weekday;
  n: number;
}

export type Until = { kind: 'date'; date: string } | { kind: 'instant'; instant: string };

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  byMonth: number[];
  byMonthDay: number[];
  byDay: WeekdayNum[];
  bySetPos: number[];
  count?: number;
  until?: Until;
  /** Absent means MO, the RFC 5545 default. */
  wkst?: Weekday;
}

export type RuleDraft = Partial<RecurrenceRule>;

export function invalidRecurrence(field: string, message: string): DomainError {
  return DomainError.field('INVALID_RECURRENCE', field, message);
}

// Days per month in a leap year: the most a BYMONTHDAY can ever hit in that month.
const MAX_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 0 first, positives ascending, then -1, -2, …: "1st, 15th, last, 2nd to last" reads naturally. */
const positionKey = (n: number): number => (n >= 0 ? n : 1000 - n);

function uniqueSorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => positionKey(a) - positionKey(b));
}

function uniqueByDay(values: readonly WeekdayNum[]): WeekdayNum[] {
  const seen = new Map<string, WeekdayNum>();
  for (const v of values) seen.set(`${v.n}${v.weekday}`, v);
  return [...seen.values()].sort(
    (a, b) => WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday) || positionKey(a.n) - positionKey(b.n),
  );
}

/** Cross-part rules (RFC 5545 §3.3.10 plus this app's subset); single-part ranges are the parsers'. */
export function finishRule(draft: RuleDraft, field: string): RecurrenceRule {
  const fail = (message: string): never => {
    throw invalidRecurrence(field, message);
  };
  if (draft.freq === undefined) return fail('FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)');
  const rule: RecurrenceRule = {
    freq: draft.freq,
    interval: draft.interval ?? 1,
    byMonth: uniqueSorted(draft.byMonth ?? []),
    byMonthDay: uniqueSorted(draft.byMonthDay ?? []),
    byDay: uniqueByDay(draft.byDay ?? []),
    bySetPos: uniqueSorted(draft.bySetPos ?? []),
  };
  if (draft.count !== undefined) rule.count = draft.count;
  if (draft.until !== undefined) rule.until = draft.until;
  if (draft.wkst !== undefined && draft.wkst !== 'MO') rule.wkst = draft.wkst;

  checkRange(rule.interval, 1, 999, 'INTERVAL', fail);
  if (rule.count !== undefined) checkRange(rule.count, 1, 1000, 'COUNT', fail);
  rule.byMonth.forEach((m) => checkRange(m, 1, 12, 'BYMONTH', fail));
  rule.byMonthDay.forEach((d) => checkRange(d, -31, 31, 'BYMONTHDAY', fail, true));
  rule.bySetPos.forEach((p) => checkRange(p, -366, 366, 'BYSETPOS', fail, true));

  if (rule.until !== undefined) {
    const until = rule.until.kind === 'date' ? rule.until.date : rule.until.instant;
    if (!isSupportedYearText(until)) fail(`UNTIL ${until}: ${UNSUPPORTED_YEAR_MESSAGE}`);
  }
  if (rule.count !== undefined && rule.until !== undefined) {
    fail('COUNT and UNTIL cannot be combined: end the series either after N times or on a date');
  }
  if (rule.freq === 'WEEKLY' && rule.byMonthDay.length > 0) {
    fail('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  }
  const ordinalLimit = rule.freq === 'MONTHLY' || rule.byMonth.length > 0 ? 5 : 53;
  for (const { weekday, n } of rule.byDay) {
    if (n === 0) continue;
    if (rule.freq !== 'MONTHLY' && rule.freq !== 'YEARLY') {
      fail(`BYDAY=${n}${weekday}: numbered weekdays are only valid with FREQ=MONTHLY or YEARLY`);
    }
    checkRange(n, -ordinalLimit, ordinalLimit, 'BYDAY ordinal', fail, true);
  }
  // rrule-temporal 2.2.8 mis-expands these (it drops the plain weekdays and ignores BYMONTHDAY),
  // and no task needs them, so they are rejected rather than silently miscalculated.
  const yearScopeOrdinals = rule.freq === 'YEARLY' && rule.byMonth.length === 0 && rule.byDay.some((d) => d.n !== 0);
  if (yearScopeOrdinals && (rule.byMonthDay.length > 0 || rule.byDay.some((d) => d.n === 0))) {
    fail('with FREQ=YEARLY and no BYMONTH, numbered weekdays (like 20MO) cannot be combined with BYMONTHDAY or plain weekdays');
  }
  if (rule.bySetPos.length > 0 && rule.byDay.length + rule.byMonthDay.length + rule.byMonth.length === 0) {
    fail('BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to select from');
  }
  // A statically empty rule would make every expansion search until its iteration cap.
  if (rule.bySetPos.length > 0 && rule.bySetPos.every((p) => Math.abs(p) > maxPeriodSize(rule))) {
    fail('the rule never occurs: BYSETPOS asks for more dates than one period can hold');
  }
  if (rule.byMonth.length > 0 && rule.byMonthDay.length > 0) {
    const possible = rule.byMonth.some((m) => rule.byMonthDay.some((d) => Math.abs(d) <= (MAX_MONTH_DAYS[m - 1] ?? 0)));
    if (!possible) fail('the rule never occurs: no month in BYMONTH has the days in BYMONTHDAY');
  }
  return rule;
}

/** An upper bound on the dates one FREQ period can produce before BYSETPOS selects. */
function maxPeriodSize(rule: RecurrenceRule): number {
  const days = rule.byDay.length > 0 ? rule.byDay : null;
  const perMonth = rule.byMonthDay.length || (days ? days.reduce((sum, d) => sum + (d.n === 0 ? 5 : 1), 0) : 1);
  switch (rule.freq) {
    case 'DAILY':
      return 1;
    case 'WEEKLY':
      return rule.byDay.length || 1;
    case 'MONTHLY':
      return perMonth;
    case 'YEARLY':
      if (days && rule.byMonth.length === 0 && rule.byMonthDay.length === 0) {
        return days.reduce((sum, d) => sum + (d.n === 0 ? 53 : 1), 0);
      }
      return (rule.byMonth.length || 12) * perMonth;
  }
}

function checkRange(
  value: number,
  min: number,
  max: number,
  name: string,
  fail: (message: string) => never,
  nonZero = false,
): void {
  if (!Number.isInteger(value) || value < min || value > max || (nonZero && value === 0)) {
    fail(`${name} must be an integer from ${min} to ${max}${nonZero ? ', not 0' : ''} (got ${value})`);
  }
}

function formatUntil(until: Until): string {
  if (until.kind === 'date') return until.date.replaceAll('-', '');
  return `${until.instant.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** Canonical text: upper case, fixed part order, defaults (INTERVAL=1, WKST=MO) omitted. */
export function formatRule(rule: RecurrenceRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byMonth.length) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay.length) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay.length) {
    parts.push(`BYDAY=${rule.byDay.map((d) => `${d.n === 0 ? '' : d.n}${d.weekday}`).join(',')}`);
  }
  if (rule.bySetPos.length) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${formatUntil(rule.until)}`);
  if (rule.wkst !== undefined) parts.push(`WKST=${rule.wkst}`);
  return parts.join(';');
}

/** True for rules that only step by INTERVAL (no BY* part narrows or expands the set). */
export function isPlainInterval(rule: RecurrenceRule): boolean {
  return rule.byMonth.length + rule.byMonthDay.length + rule.byDay.length + rule.bySetPos.length === 0;
}
