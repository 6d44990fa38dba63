import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../errors.js';
import { isSupportedYear, toPlainDate, toPlainDateTime } from '../time/local.js';
import { assertTimeZone } from '../time/zone.js';
import { DateRule } from './engine.js';
import { parseRecurrence } from './normalize.js';
import { invalidRecurrence, isPlainInterval, type RecurrenceRule } from './rule.js';

/*
 * Occurrence semantics (shared by preview and next):
 * - The series is anchored at its start (the task's first due). The start is always the first
 *   occurrence, even when it does not match the rule: a task app treats the due the user picked
 *   as real. RFC 5545 also counts DTSTART as the first instance, so COUNT=3 means the start plus
 *   two rule instances.
 * - Later occurrences are rule instances strictly after the start, on the local calendar, each
 *   carrying the start's wall-clock time. Wall time is therefore kept across DST changes; a time
 *   inside a DST gap stays as written and `localToInstant` resolves it forward.
 * - UNTIL=YYYYMMDD is an inclusive local date; UNTIL=…Z is an instant compared with the
 *   occurrence's instant in the task zone (for all-day series: with its date in that zone).
 *   UNTIL bounds the instances after the start, never the start itself.
 * - Rules that never match again (e.g. BYMONTHDAY=1;BYDAY=5MO) end the series after an
 *   iteration cap instead of hanging. Occurrences stop at the end of the supported years (2999).
 */

export type RepeatFrom = 'due' | 'completion';

export interface PreviewInput {
  rule: string;
  /** "YYYY-MM-DD" (all-day) or "YYYY-MM-DDTHH:mm[:ss]" (wall time in `timeZone`). */
  start: string;
  timeZone: string;
  /** 1..100 */
  count: number;
  /** Same format as `start`; only occurrences strictly after it are returned. */
  after?: string;
}

export interface NextOccurrenceInput {
  rule: string;
  seriesStart: string;
  current: string;
  /** 0-based index of `current` in the series; COUNT is enforced against it. */
  occurrenceIndex: number;
  repeatFrom: RepeatFrom;
  /** "YYYY-MM-DD" in the task zone; required when repeatFrom is 'completion'. */
  completedOn?: string;
  timeZone: string;
}

/** An occurrence on the local calendar; `time` is null for all-day series. */
interface Moment {
  date: Temporal.PlainDate;
  time: Temporal.PlainTime | null;
}

const MAX_PREVIEW = 100;
const PLAIN_DATE_LENGTH = 'YYYY-MM-DD'.length;

function parseMoment(value: unknown, field: string, like?: Moment): Moment {
  const allDay = typeof value === 'string' && value.length === PLAIN_DATE_LENGTH;
  if (like !== undefined && allDay !== (like.time === null)) {
    throw DomainError.field(
      'INVALID_DUE',
      field,
      `${field} must use the same format as the series start (${like.time === null ? 'YYYY-MM-DD' : 'YYYY-MM-DDTHH:mm:ss'})`,
    );
  }
  if (allDay) return { date: toPlainDate(value, field), time: null };
  const dateTime = toPlainDateTime(value, field);
  return { date: dateTime.toPlainDate(), time: dateTime.toPlainTime() };
}

function formatMoment({ date, time }: Moment): string {
  return time === null ? date.toString() : `${date.toString()}T${time.toString({ smallestUnit: 'second' })}`;
}

function compareMoments(a: Moment, b: Moment): number {
  return Temporal.PlainDate.compare(a.date, b.date) || Temporal.PlainTime.compare(a.time ?? '00:00', b.time ?? '00:00');
}

function withinUntil(rule: RecurrenceRule, moment: Moment, zone: string): boolean {
  const until = rule.until;
  if (until === undefined) return true;
  if (until.kind === 'date') return Temporal.PlainDate.compare(moment.date, until.date) <= 0;
  const limit = Temporal.Instant.from(until.instant);
  if (moment.time === null) {
    return Temporal.PlainDate.compare(moment.date, limit.toZonedDateTimeISO(zone).toPlainDate()) <= 0;
  }
  const instant = moment.date.toPlainDateTime(moment.time).toZonedDateTime(zone, { disambiguation: 'compatible' });
  return Temporal.Instant.compare(instant.toInstant(), limit) <= 0;
}

/** Occurrences strictly after `after` (all of them when null), honouring COUNT and UNTIL. */
function* occurrencesAfter(rule: RecurrenceRule, start: Moment, zone: string, after: Moment | null): Generator<Moment> {
  if (after === null || compareMoments(start, after) > 0) yield start;
  const dates = new DateRule(rule, start.date);
  let cursor = start.date;
  // Without COUNT no index is needed, so jump close to `after`; the day before it, because an
  // instance on after's own date may still be later in the day.
  if (rule.count === undefined && after !== null) {
    const dayBefore = after.date.subtract({ days: 1 });
    if (Temporal.PlainDate.compare(dayBefore, cursor) > 0) cursor = dayBefore;
  }
  for (let index = 1; rule.count === undefined || index < rule.count; index++) {
    const date = dates.after(cursor);
    if (date === null || !isSupportedYear(date)) return;
    const moment: Moment = { date, time: start.time };
    if (!withinUntil(rule, moment, zone)) return;
    cursor = date;
    if (after === null || compareMoments(moment, after) > 0) yield moment;
  }
}

function validationFailed(field: string, message: string): DomainError {
  return DomainError.field('VALIDATION_FAILED', field, message);
}

/**
 * Refuses a rule whose UNTIL ends the series before its first repeat after `start`: like a rule
 * that never occurs, it would silently never repeat.
 */
function checkRepeatsBeforeUntil(rule: RecurrenceRule, start: Moment, zone: string, field: string): void {
  if (rule.until === undefined) return;
  const repeats: RecurrenceRule = { ...rule };
  delete repeats.count;
  const second = occurrencesAfter(repeats, start, zone, start).next();
  if (second.done) {
    const until = rule.until.kind === 'date' ? rule.until.date : rule.until.instant;
    throw invalidRecurrence(
      field,
      `the rule never repeats: UNTIL ${until} comes before its first occurrence after the start ${formatMoment(start)}`,
    );
  }
}

/** `checkRepeatsBeforeUntil` for a series anchored at `start` (a date or local date-time) in `timeZone`. */
export function assertRepeatsBeforeUntil(ruleText: string, start: string, timeZone: string, field = 'recurrence.rule'): void {
  const rule = parseRecurrence(ruleText, field);
  checkRepeatsBeforeUntil(rule, parseMoment(start, 'start'), assertTimeZone(timeZone, 'timeZone'), field);
}

/**
 * Where a series begun on `from` without a chosen date starts: `from` when the rule produces
 * it, else the rule's first date after it. Null when the rule has no date within the caps.
 */
export function firstOccurrenceOnOrAfter(ruleText: string, from: string, field = 'rule'): string | null {
  const rule = parseRecurrence(ruleText, field);
  const day = toPlainDate(from, 'from');
  // Anchored on `from` itself (which the engine yields only when the rule matches it), so an
  // INTERVAL counts from there.
  const first = new DateRule(rule, day).after(day.subtract({ days: 1 }));
  return first === null || !isSupportedYear(first) ? null : first.toString();
}

/**
 * The first `count` occurrences of the series anchored at `start` (strictly after `after` when
 * given), in the format of `start`. Empty when the series has ended.
 */
export function previewOccurrences(input: PreviewInput): string[] {
  const rule = parseRecurrence(input.rule, 'rule');
  const zone = assertTimeZone(input.timeZone, 'timeZone');
  const start = parseMoment(input.start, 'start');
  const after = input.after === undefined ? null : parseMoment(input.after, 'after', start);
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_PREVIEW) {
    throw validationFailed('count', `count must be an integer from 1 to ${MAX_PREVIEW}`);
  }
  const out: string[] = [];
  for (const moment of occurrencesAfter(rule, start, zone, after)) {
    out.push(formatMoment(moment));
    if (out.length >= input.count) break;
  }
  return out;
}

const UNIT_KEY = { DAILY: 'days', WEEKLY: 'weeks', MONTHLY: 'months', YEARLY: 'years' } as const;

/**
 * The due of the occurrence after `current`, or null when the series is over.
 * - 'due': the next occurrence of the series strictly after `current` (series time of day).
 * - 'completion': the rule restarted on `completedOn`, keeping `current`'s time of day. A rule
 *   that only steps (no BY* part) adds INTERVAL units to the completion date, clamping to the
 *   month's end (every month, done Jan 31 → Feb 28); otherwise the rule is anchored on the
 *   completion day and its first instance strictly after that day is used (so "every 2 weeks
 *   on Monday" done on a Wednesday skips to the Monday of the week after next).
 * COUNT counts by `occurrenceIndex`; UNTIL bounds the result.
 */
export function nextOccurrence(input: NextOccurrenceInput): string | null {
  const rule = parseRecurrence(input.rule, 'rule');
  const zone = assertTimeZone(input.timeZone, 'timeZone');
  const start = parseMoment(input.seriesStart, 'seriesStart');
  const current = parseMoment(input.current, 'current', start);
  const index = input.occurrenceIndex;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw validationFailed('occurrenceIndex', 'occurrenceIndex must be a non-negative integer');
  }
  if (rule.count !== undefined && index + 1 >= rule.count) return null;

  if (input.repeatFrom === 'due') {
    const uncounted: RecurrenceRule = { ...rule };
    delete uncounted.count; // counted by occurrenceIndex above, not by walking the series
    const next = occurrencesAfter(uncounted, start, zone, current).next();
    return next.done ? null : formatMoment(next.value);
  }
  if (input.repeatFrom !== 'completion') {
    throw validationFailed('repeatFrom', "repeatFrom must be 'due' or 'completion'");
  }
  if (input.completedOn === undefined) {
    throw DomainError.field('INVALID_DUE', 'completedOn', "completedOn is required when repeatFrom is 'completion'");
  }
  const completed = toPlainDate(input.completedOn, 'completedOn');
  let date: Temporal.PlainDate | null;
  if (isPlainInterval(rule)) {
    try {
      date = completed.add({ [UNIT_KEY[rule.freq]]: rule.interval });
    } catch {
      date = null; // beyond Temporal's range
    }
  } else {
    date = new DateRule(rule, completed).after(completed);
  }
  if (date === null || !isSupportedYear(date)) return null;
  const moment: Moment = { date, time: current.time };
  return withinUntil(rule, moment, zone) ? formatMoment(moment) : null;
}
