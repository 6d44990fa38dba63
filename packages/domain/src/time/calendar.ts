import { DomainError } from '../errors.js';

/*
 * Civil-calendar arithmetic on "YYYY-MM-DD" strings and a zone's wall clock, with `Date.UTC`
 * and `Intl` only. The phrase parser runs in the browser too, and the Temporal polyfill would
 * add more to the web bundle than the whole UI weighs; for whole days in the proleptic
 * Gregorian calendar, UTC arithmetic is exact (no zone, so no DST).
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function utc(date: string): Date {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
}

function format(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Whether year-month-day names a real day (Feb 30 does not); years 1000-9999. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (![year, month, day].every(Number.isInteger) || year < 1000 || year > 9999) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Whether hour:minute:second is a time of day (00:00:00 to 23:59:59). */
export function isClockTime(hour: number, minute: number, second = 0): boolean {
  return (
    [hour, minute, second].every(Number.isInteger) &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59
  );
}

/** "HH:mm:ss" for a valid time of day (check with `isClockTime` first). */
export const clockText = (hour: number, minute: number, second = 0): string => `${pad(hour)}:${pad(minute)}:${pad(second)}`;

/** "YYYY-MM-DD" for a valid calendar date (check with `isCalendarDate` first). */
export const calendarDate = (year: number, month: number, day: number): string => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

export function addCalendarDays(date: string, days: number): string {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Adds months, clamping to the month's end (Jan 31 + 1 month = Feb 28 or 29). */
export function addCalendarMonths(date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return calendarDate(year, month, Math.min(Number(date.slice(8, 10)), daysInMonth(year, month)));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: string): number => utc(date).getUTCDay() || 7;

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw DomainError.field(
        'INVALID_TIME_ZONE',
        'timeZone',
        `${JSON.stringify(String(timeZone).slice(0, 64))} is not an IANA time zone`,
      );
    }
    wallClocks.set(timeZone, format);
  }
  return format;
}

/** The date ("YYYY-MM-DD") and time ("HH:mm:ss") a clock on the wall in `timeZone` shows at `instant`. */
export function wallClock(instant: Date, timeZone: string): { date: string; time: string } {
  if (Number.isNaN(instant.getTime()))
    throw DomainError.field('VALIDATION_FAILED', 'now', 'the reference instant is not a valid date');
  const parts: Record<string, string> = {};
  for (const part of wallClockFormat(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${pad(Number(parts.year), 4)}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
  };
}
