import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../errors.js';
import { assertTimeZone } from './zone.js';

/*
 * Local (wall-clock) values travel as strings: "YYYY-MM-DD" and "YYYY-MM-DDTHH:mm:ss". The
 * regexes reject everything Temporal would otherwise be lenient about (week dates, offsets,
 * fractional seconds, 6-digit years), and `overflow: 'reject'` rejects impossible calendar
 * values such as Feb 30 or 24:00 instead of clamping them.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The years a due, reminder, recurrence end or any other date may fall in. Wider than any real
 * task needs, narrow enough that every value round-trips through Temporal, JavaScript `Date`,
 * the database and JSON as a plain four-digit year.
 */
export const SUPPORTED_YEARS = { min: 1900, max: 2999 } as const;
const YEARS_TEXT = `${SUPPORTED_YEARS.min}–${SUPPORTED_YEARS.max}`;

/** Whether the four-digit year a date, date-time or instant string starts with is supported. */
export const isSupportedYearText = (value: string): boolean => {
  const year = Number(value.slice(0, 4));
  return year >= SUPPORTED_YEARS.min && year <= SUPPORTED_YEARS.max;
};
export const UNSUPPORTED_YEAR_MESSAGE = `the year must be from ${YEARS_TEXT}`;

function invalidDue(field: string, message: string): DomainError {
  return DomainError.field('INVALID_DUE', field, message);
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'value';
}

function supported<T extends { year: number }>(value: T, text: unknown, field: string): T {
  if (isSupportedYear(value)) return value;
  throw invalidDue(field, `${quoted(text)}: ${UNSUPPORTED_YEAR_MESSAGE}`);
}

export function toPlainDate(value: unknown, field: string): Temporal.PlainDate {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (m) {
    try {
      const date = Temporal.PlainDate.from(
        { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
        { overflow: 'reject' },
      );
      return supported(date, value, field);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // fall through to the shared message
    }
  }
  throw invalidDue(field, `${quoted(value)} is not a valid date (expected YYYY-MM-DD)`);
}

export function toPlainDateTime(value: unknown, field: string): Temporal.PlainDateTime {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (m) {
    try {
      const dateTime = Temporal.PlainDateTime.from(
        {
          year: Number(m[1]),
          month: Number(m[2]),
          day: Number(m[3]),
          hour: Number(m[4]),
          minute: Number(m[5]),
          second: Number(m[6] ?? 0),
        },
        { overflow: 'reject' },
      );
      return supported(dateTime, value, field);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // fall through to the shared message
    }
  }
  throw invalidDue(field, `${quoted(value)} is not a valid local date-time (expected YYYY-MM-DDTHH:mm or YYYY-MM-DDTHH:mm:ss)`);
}

/** Only for supported years (see `isSupportedYear`): others may not print as YYYY-MM-DD. */
export function formatDate(date: Temporal.PlainDate): string {
  return date.toString();
}

export function formatDateTime(value: Temporal.PlainDateTime): string {
  return value.toString({ smallestUnit: 'second' });
}

/** True when a date lies in `SUPPORTED_YEARS`. */
export function isSupportedYear(date: { year: number }): boolean {
  return date.year >= SUPPORTED_YEARS.min && date.year <= SUPPORTED_YEARS.max;
}

export function parseLocalDate(s: string, field: string): string {
  return formatDate(toPlainDate(s, field));
}

/** Normalises to "YYYY-MM-DDTHH:mm:ss" (seconds always present). */
export function parseLocalDateTime(s: string, field: string): string {
  return formatDateTime(toPlainDateTime(s, field));
}

/**
 * The instant a wall-clock time denotes in a zone, as "YYYY-MM-DDTHH:mm:ssZ".
 *
 * Disambiguation is Temporal's 'compatible' (the same as RFC 5545 and most calendars):
 * - a time inside a spring-forward gap resolves *forward* by the gap's length
 *   (02:30 on a New York spring-forward day → 03:30 EDT), so a task never silently vanishes;
 * - a time inside a fall-back overlap resolves to the *earlier* of the two instants.
 * Errors name the fields `dateTime` and `timeZone`.
 */
export function localToInstant(localDateTime: string, timeZone: string): string {
  const zone = assertTimeZone(timeZone, 'timeZone');
  const local = toPlainDateTime(localDateTime, 'dateTime');
  try {
    return local.toZonedDateTime(zone, { disambiguation: 'compatible' }).toInstant().toString({ smallestUnit: 'second' });
  } catch {
    throw invalidDue('dateTime', `${quoted(localDateTime)} is outside the supported range`);
  }
}

function instantIn(instantIso: unknown, timeZone: string, field: string): Temporal.PlainDateTime {
  const zone = assertTimeZone(timeZone, 'timeZone');
  let instant: Temporal.Instant;
  try {
    if (typeof instantIso !== 'string') throw new TypeError('not a string');
    instant = Temporal.Instant.from(instantIso);
  } catch {
    throw invalidDue(field, `${quoted(instantIso)} is not an ISO instant (e.g. 2026-12-01T08:00:00Z)`);
  }
  // Truncate rather than round so a time never moves into the next second, minute or day.
  return instant.toZonedDateTimeISO(zone).toPlainDateTime().round({ smallestUnit: 'second', roundingMode: 'trunc' });
}

/** Wall-clock reading of an instant in a zone. Errors name the fields `instant` and `timeZone`. */
export function instantToLocal(instantIso: string, timeZone: string): { date: string; time: string; dateTime: string } {
  const local = instantIn(instantIso, timeZone, 'instant');
  const date = formatDate(local.toPlainDate());
  const time = local.toPlainTime().toString({ smallestUnit: 'second' });
  return { date, time, dateTime: `${date}T${time}` };
}

/** The calendar date in `timeZone` at the instant `nowIso` (callers own the clock). */
export function todayIn(timeZone: string, nowIso: string): string {
  return formatDate(instantIn(nowIso, timeZone, 'now').toPlainDate());
}

export function addDaysToDate(date: string, days: number): string {
  const start = toPlainDate(date, 'date');
  if (!Number.isSafeInteger(days)) {
    throw DomainError.field('VALIDATION_FAILED', 'days', 'days must be an integer');
  }
  let result: Temporal.PlainDate | null = null;
  try {
    result = start.add({ days });
  } catch {
    result = null;
  }
  if (result === null || !isSupportedYear(result)) {
    throw invalidDue('date', `${date} plus ${days} days is outside the supported years ${YEARS_TEXT}`);
  }
  return formatDate(result);
}
