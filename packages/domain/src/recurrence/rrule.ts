import { calendarDate, clockText, isCalendarDate, isClockTime } from '../time/calendar.js';
import { FREQUENCIES, invalidRecurrence, type Frequency, type RuleDraft, type Until } from './rule.js';
import { WEEKDAYS, type Weekday } from './words.js';

/*
 * Parses RRULE text ("RRULE:" prefix optional, any case, any part order, blanks around
 * separators tolerated) into a RuleDraft. Ranges that involve several parts are checked later
 * by `finishRule`; here each part is checked on its own so errors can name the part.
 */

const UNSUPPORTED_FREQ = new Set(['HOURLY', 'MINUTELY', 'SECONDLY']);
const TIME_PARTS = new Set(['BYHOUR', 'BYMINUTE', 'BYSECOND']);
const OTHER_RFC_PARTS = new Set(['BYYEARDAY', 'BYWEEKNO', 'RSCALE', 'SKIP']);
const INTEGER = /^[+-]?\d{1,4}$/;
const WEEKDAY_NUM = /^([+-]?\d{1,2})?([A-Z]{2})$/;
const UNTIL = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/;

export function looksLikeRRule(input: string): boolean {
  return /^\s*rrule\s*:/i.test(input) || input.includes('=');
}

export function parseRRule(input: string, field: string): RuleDraft {
  const fail = (message: string): never => {
    throw invalidRecurrence(field, message);
  };
  if (/[\r\n]/.test(input.trim())) {
    fail('only a single RRULE line is accepted (no DTSTART: the task due anchors the series)');
  }
  const body = input.trim().replace(/^rrule\s*:/i, '');
  const draft: RuleDraft = {};
  const seen = new Set<string>();
  for (const raw of body.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^([A-Za-z][A-Za-z-]*)\s*=\s*(.*)$/.exec(part);
    if (!m) return fail(`malformed rule part "${part.slice(0, 40)}" (expected NAME=value)`);
    const name = (m[1] ?? '').toUpperCase();
    const value = (m[2] ?? '').trim().toUpperCase();
    if (seen.has(name)) fail(`${name} appears more than once`);
    seen.add(name);
    if (value === '') fail(`${name} has no value`);
    const list = (): string[] => value.split(',').map((v) => v.trim());
    const int = (v: string, what = name): number =>
      INTEGER.test(v) ? Number(v) : fail(`${what} must be an integer (got "${v.slice(0, 20)}")`);
    switch (name) {
      case 'FREQ':
        draft.freq = parseFreq(value, fail);
        break;
      case 'INTERVAL':
        draft.interval = int(value);
        break;
      case 'COUNT':
        draft.count = int(value);
        break;
      case 'BYMONTH':
        draft.byMonth = list().map((v) => int(v));
        break;
      case 'BYMONTHDAY':
        draft.byMonthDay = list().map((v) => int(v));
        break;
      case 'BYSETPOS':
        draft.bySetPos = list().map((v) => int(v));
        break;
      case 'BYDAY':
        draft.byDay = list().map((token) => {
          const d = WEEKDAY_NUM.exec(token);
          const weekday = d?.[2] as Weekday | undefined;
          if (!d || weekday === undefined || !WEEKDAYS.includes(weekday)) {
            return fail(`BYDAY value "${token.slice(0, 20)}" is not a weekday like MO, 2TU or -1FR`);
          }
          const n = d[1] === undefined ? 0 : Number(d[1]);
          if (d[1] !== undefined && n === 0) fail(`BYDAY value "${token}" has ordinal 0`);
          return { weekday, n };
        });
        break;
      case 'UNTIL':
        draft.until = parseUntil(value, fail);
        break;
      case 'WKST':
        if (!WEEKDAYS.includes(value as Weekday)) fail(`WKST must be a weekday code MO..SU (got "${value}")`);
        draft.wkst = value as Weekday;
        break;
      default:
        if (TIME_PARTS.has(name)) {
          fail(`${name} is not supported: the time of day comes from the task's due`);
        }
        if (OTHER_RFC_PARTS.has(name)) fail(`${name} is not supported`);
        fail(`unknown rule part ${name.slice(0, 30)}`);
    }
  }
  return draft;
}

function parseFreq(value: string, fail: (message: string) => never): Frequency {
  if ((FREQUENCIES as readonly string[]).includes(value)) return value as Frequency;
  if (UNSUPPORTED_FREQ.has(value)) {
    fail(`FREQ=${value} is not supported: tasks repeat at most daily (use DAILY, WEEKLY, MONTHLY or YEARLY)`);
  }
  return fail(`FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (got "${value.slice(0, 20)}")`);
}

/** YYYYMMDD (an inclusive local date) or YYYYMMDDTHHMMSSZ (a UTC instant). */
function parseUntil(value: string, fail: (message: string) => never): Until {
  const m = UNTIL.exec(value);
  const bad = (): never => fail(`UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ (got "${value.slice(0, 20)}")`);
  if (!m) return bad();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) return bad();
  const date = calendarDate(year, month, day);
  if (m[4] === undefined) return { kind: 'date', date };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (!isClockTime(hour, minute, second)) return bad();
  return { kind: 'instant', instant: `${date}T${clockText(hour, minute, second)}Z` };
}
