/**
 * A small, pure natural-language due parser ("tomorrow 9am", "next friday", "in 3 days",
 * "dec 24 18:30", "2026-12-01"). No LLM, no clock of its own: the caller passes today's date
 * and the current wall time in the user's zone.
 *
 * Conventions (documented in the tool description):
 * - a bare weekday or "this <weekday>" is the soonest such day, today included;
 *   "next <weekday>" is the soonest such day after today;
 * - a time with no day ("9am") is today, or tomorrow when that time has passed;
 * - a month-day without a year that has passed this year means next year;
 * - "in N hours/minutes" counts from now; "in N days/weeks/months/years" gives an all-day date.
 */
import { DomainError, type Due } from '@todo/domain';

export interface ParseDueContext {
  /** Today in the user's zone, YYYY-MM-DD. */
  today: string;
  /** Current wall time in the user's zone, HH:mm[:ss]. */
  time: string;
  /** The user's zone, put on timed results. */
  timeZone: string;
}

export interface ParsedDue {
  due: Due;
  /** How the phrase was read, in words, e.g. "Friday 2026-12-04 at 09:00". */
  interpretation: string;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const WEEKDAY_ALIASES: Record<string, number> = {};
WEEKDAYS.forEach((d, i) => {
  WEEKDAY_ALIASES[d] = i;
  WEEKDAY_ALIASES[d.slice(0, 3)] = i;
});
Object.assign(WEEKDAY_ALIASES, { tues: 1, weds: 2, thur: 3, thurs: 3 });

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_ALIASES: Record<string, number> = {};
MONTHS.forEach((m, i) => {
  MONTH_ALIASES[m] = i + 1;
  MONTH_ALIASES[m.slice(0, 3)] = i + 1;
});
MONTH_ALIASES['sept'] = 9;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  thirty: 30,
};

const pad = (n: number) => String(n).padStart(2, '0');

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}
const fmt = (d: Date) => `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fmt(d);
}

function addMonths(date: string, months: number): string {
  const d = toUtc(date);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return fmt(target);
}

/** 0 = Monday … 6 = Sunday. */
const weekdayOf = (date: string) => (toUtc(date).getUTCDay() + 6) % 7;

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const invalid = (message: string): never => {
  throw DomainError.field('INVALID_DUE', 'text', message);
};

function numberOf(token: string): number | null {
  if (/^\d{1,4}$/.test(token)) return Number(token);
  return NUMBER_WORDS[token] ?? null;
}

interface TimeOfDay {
  hour: number;
  minute: number;
}

/** Pulls a time of day out of the phrase; returns the rest. */
function extractTime(text: string): { rest: string; time: TimeOfDay | null } {
  const patterns: [RegExp, (m: RegExpMatchArray) => TimeOfDay | null][] = [
    [
      /(?:^|\s)(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?=\s|$)/,
      (m) => {
        const h = Number(m[1]);
        const min = Number(m[2] ?? 0);
        if (h < 1 || h > 12 || min > 59) return null;
        const pm = m[3]!.startsWith('p');
        return { hour: (h % 12) + (pm ? 12 : 0), minute: min };
      },
    ],
    [
      /(?:^|\s)(?:at\s+)?(\d{1,2})[:.](\d{2})(?=\s|$)/,
      (m) => {
        const h = Number(m[1]);
        const min = Number(m[2]);
        return h > 23 || min > 59 ? null : { hour: h, minute: min };
      },
    ],
    [/(?:^|\s)(?:at\s+)?noon(?=\s|$)/, () => ({ hour: 12, minute: 0 })],
    [/(?:^|\s)(?:at\s+)?midnight(?=\s|$)/, () => ({ hour: 0, minute: 0 })],
    [/(?:^|\s)(?:in the\s+)?morning(?=\s|$)/, () => ({ hour: 9, minute: 0 })],
    [/(?:^|\s)(?:in the\s+)?afternoon(?=\s|$)/, () => ({ hour: 15, minute: 0 })],
    [/(?:^|\s)(?:in the\s+)?evening(?=\s|$)/, () => ({ hour: 18, minute: 0 })],
    [/(?:^|\s)at\s+(\d{1,2})(?=\s|$)/, (m) => (Number(m[1]) > 23 ? null : { hour: Number(m[1]), minute: 0 })],
  ];
  for (const [re, read] of patterns) {
    const m = text.match(re);
    if (m) {
      const time = read(m);
      if (!time) invalid(`"${m[0].trim()}" is not a valid time of day`);
      return { rest: (text.slice(0, m.index) + ' ' + text.slice(m.index! + m[0].length)).replace(/\s+/g, ' ').trim(), time };
    }
  }
  return { rest: text, time: null };
}

/** Parses the day part; returns null when it does not understand it. */
function parseDay(rest: string, ctx: ParseDueContext): string | null {
  const { today } = ctx;
  if (rest === '' || rest === 'today' || rest === 'tod') return today;
  if (rest === 'tomorrow' || rest === 'tmr' || rest === 'tmrw') return addDays(today, 1);
  if (rest === 'day after tomorrow' || rest === 'the day after tomorrow') return addDays(today, 2);
  if (rest === 'next week') return addDays(today, 7 - weekdayOf(today));
  if (rest === 'next month') return addMonths(`${today.slice(0, 8)}01`, 1);
  if (rest === 'next year') return `${Number(today.slice(0, 4)) + 1}-01-01`;
  if (rest === 'end of month' || rest === 'end of the month') return addDays(addMonths(`${today.slice(0, 8)}01`, 1), -1);
  if (rest === 'end of week' || rest === 'end of the week') return addDays(today, 6 - weekdayOf(today));
  if (rest === 'weekend' || rest === 'this weekend' || rest === 'the weekend') {
    return addDays(today, (5 - weekdayOf(today) + 7) % 7);
  }

  const weekday = rest.match(/^(?:(this|next|on|coming|this coming)\s+)?([a-z]+)$/);
  if (weekday && WEEKDAY_ALIASES[weekday[2]!] !== undefined) {
    const target = WEEKDAY_ALIASES[weekday[2]!]!;
    let delta = (target - weekdayOf(today) + 7) % 7;
    if (weekday[1] === 'next' && delta === 0) delta = 7;
    return addDays(today, delta);
  }

  const relative = rest.match(/^in\s+([a-z0-9]+)\s+(day|days|week|weeks|month|months|year|years)$/);
  if (relative) {
    const n = numberOf(relative[1]!);
    if (n === null) return null;
    const unit = relative[2]!.replace(/s$/, '');
    if (unit === 'day') return addDays(today, n);
    if (unit === 'week') return addDays(today, 7 * n);
    if (unit === 'month') return addMonths(today, n);
    return addMonths(today, 12 * n);
  }

  const iso = rest.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (!validDate(y, m, d)) invalid(`${rest} is not a calendar date`);
    return `${iso[1]}-${pad(m)}-${pad(d)}`;
  }

  const monthFirst = rest.match(/^(?:on\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$/);
  const dayFirst = rest.match(/^(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$/);
  const md = monthFirst
    ? { month: MONTH_ALIASES[monthFirst[1]!], day: Number(monthFirst[2]), year: monthFirst[3] }
    : dayFirst
      ? { month: MONTH_ALIASES[dayFirst[2]!], day: Number(dayFirst[1]), year: dayFirst[3] }
      : null;
  if (md && md.month !== undefined) {
    if (!validDate(md.year ? Number(md.year) : 2024, md.month, md.day)) invalid(`"${rest}" is not a calendar date`);
    if (md.year) return `${md.year}-${pad(md.month)}-${pad(md.day)}`;
    // Without a year: the next such day, today included (Feb 29: the next leap year).
    let year = Number(today.slice(0, 4));
    let date = `${year}-${pad(md.month)}-${pad(md.day)}`;
    while (!validDate(year, md.month, md.day) || date < today) {
      year += 1;
      date = `${year}-${pad(md.month)}-${pad(md.day)}`;
    }
    return date;
  }
  return null;
}

const HELP =
  'try "today", "tomorrow 9am", "friday", "next monday 14:30", "in 3 days", "in 2 hours", "dec 24", "2026-12-01 18:00" or "end of month"';

export function parseDue(input: string, ctx: ParseDueContext): ParsedDue {
  const text = input
    .toLowerCase()
    .trim()
    .replace(/[,;!?]+$/g, '')
    .replace(/\s+/g, ' ');
  if (!text) invalid(`the phrase is empty; ${HELP}`);

  // "in N hours/minutes": a moment from now, so always timed.
  const soon = text.match(/^in\s+([a-z0-9]+)\s+(hour|hours|hr|hrs|minute|minutes|min|mins)$/);
  if (soon) {
    const n = numberOf(soon[1]!);
    if (n === null) invalid(`"${soon[1]}" is not a number; ${HELP}`);
    const minutes = soon[2]!.startsWith('h') ? n! * 60 : n!;
    const [h, m] = ctx.time.split(':').map(Number) as [number, number];
    const total = h * 60 + m + minutes;
    const date = addDays(ctx.today, Math.floor(total / 1440));
    const clock = `${pad(Math.floor((total % 1440) / 60))}:${pad(total % 60)}`;
    return timed(date, clock, ctx);
  }

  if (text === 'tonight') return timed(ctx.today, '20:00', ctx);
  const { rest, time } = extractTime(text);
  const date = parseDay(rest, ctx);
  if (date === null) return invalid(`could not read "${input.trim()}" as a date; ${HELP}`);
  if (!time) return { due: { date }, interpretation: `${dayName(date)} ${date} (all day)` };
  const clock = `${pad(time.hour)}:${pad(time.minute)}`;
  // A bare time that has already passed today means tomorrow.
  const day = rest === '' && `${clock}:00` <= normalizeTime(ctx.time) ? addDays(date, 1) : date;
  return timed(day, clock, ctx);
}

function normalizeTime(time: string): string {
  return time.length === 5 ? `${time}:00` : time.slice(0, 8);
}

function dayName(date: string): string {
  const name = WEEKDAYS[weekdayOf(date)]!;
  return name[0]!.toUpperCase() + name.slice(1);
}

function timed(date: string, clock: string, ctx: ParseDueContext): ParsedDue {
  return {
    due: { dateTime: `${date}T${clock}:00`, timeZone: ctx.timeZone },
    interpretation: `${dayName(date)} ${date} at ${clock} (${ctx.timeZone})`,
  };
}
