import { invalidRecurrence, type Frequency, type RuleDraft, type WeekdayNum } from './rule.js';
import { NotUnderstood, NUMBER, Tokens, parseCount, parseList, parseUntilPhrase } from './phrase-tokens.js';
import { monthFromWord, ordinalFromWord, weekdayFromWord, type Weekday } from './words.js';

/*
 * A small recursive-descent parser for English recurrence phrases:
 *
 *   phrase  := head clause* [end]
 *   head    := daily | weekly | fortnightly | monthly | yearly | annually
 *            | every (N unit | other unit | other items | fortnight | unit | items)  |  items
 *   clause  := on items | in month-list | of (the|every|each) month
 *   end     := [,] [for] N time(s)  |  once  |  until date [at HH:MM[:SS] UTC]
 *   items   := item ((, | and | , and) item)*
 *   item    := [the] (weekday | weekday(s) | weekend(s) | ORD weekday | ORD [day] | day N | days N-list)
 *   ORD     := 1st | first | last | 2nd to last | second last | next to last …
 *
 * It only builds a RuleDraft; `finishRule` then applies exactly the checks an RRULE gets.
 */

const UNITS: Record<string, Frequency> = {
  day: 'DAILY',
  days: 'DAILY',
  week: 'WEEKLY',
  weeks: 'WEEKLY',
  month: 'MONTHLY',
  months: 'MONTHLY',
  year: 'YEARLY',
  years: 'YEARLY',
};
const SINGULAR_UNITS = new Set(['day', 'week', 'month', 'year']);
/** Units shorter than a day: tasks repeat at most daily, so these are refused, never guessed at. */
const CLOCK_UNITS = new Set([
  'second',
  'seconds',
  'sec',
  'secs',
  'minute',
  'minutes',
  'min',
  'mins',
  'hour',
  'hours',
  'hr',
  'hrs',
]);
const CLOCK_WORDS = new Set(['secondly', 'minutely', 'hourly']);
const TOO_OFTEN = 'tasks repeat at most daily: seconds, minutes and hours are not supported (use e.g. "every day")';
const WORKWEEK: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR'];
const WEEKEND: Weekday[] = ['SA', 'SU'];
const EXAMPLES =
  '"every day", "every 2 weeks on Mon and Fri", "every month on the 15th", ' +
  '"last friday of the month", "every year until 2027-06-30", or an RRULE such as FREQ=WEEKLY;BYDAY=MO';

interface Items {
  byDay: WeekdayNum[];
  byMonthDay: number[];
}

export function parsePhrase(input: string, field: string): RuleDraft {
  const tokens = input
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/,/g, ' , ')
    .replace(/&/g, ' and ')
    .trim()
    .split(/\s+/);
  try {
    const t = new Tokens(tokens);
    const draft = parseHead(t);
    parseClauses(t, draft);
    if (!t.done) throw new NotUnderstood();
    return draft;
  } catch (error) {
    if (!(error instanceof NotUnderstood)) throw error;
    if (isClockPhrase(tokens)) throw invalidRecurrence(field, TOO_OFTEN);
    const shown = input.length > 60 ? `${input.slice(0, 60)}…` : input;
    throw invalidRecurrence(field, `could not understand "${shown}"; try e.g. ${EXAMPLES}`);
  }
}

function parseHead(t: Tokens): RuleDraft {
  const word = t.peek();
  const simple: Record<string, RuleDraft> = {
    daily: { freq: 'DAILY' },
    weekly: { freq: 'WEEKLY' },
    fortnightly: { freq: 'WEEKLY', interval: 2 },
    monthly: { freq: 'MONTHLY' },
    yearly: { freq: 'YEARLY' },
    annually: { freq: 'YEARLY' },
  };
  if (word !== undefined && simple[word]) {
    t.next();
    return { ...simple[word] };
  }
  if (!t.accept('every', 'each')) return headFromItems(t);
  if (t.accept('fortnight')) return { freq: 'WEEKLY', interval: 2 };
  const next = t.peek() ?? '';
  if (NUMBER.test(next) || next === 'other') {
    t.next();
    // "every other tuesday": every 2 weeks on that day.
    if (next === 'other' && UNITS[t.peek() ?? ''] === undefined) return { ...headFromItems(t), interval: 2 };
    const freq = UNITS[t.next()];
    if (freq === undefined) throw new NotUnderstood();
    return { freq, interval: next === 'other' ? 2 : Number(next) };
  }
  if (SINGULAR_UNITS.has(next)) {
    t.next();
    return { freq: UNITS[next] };
  }
  // "every second week", "every third month": an ordinal before a unit is an interval.
  const ordinal = ordinalFromWord(next);
  const after = t.peek(1);
  if (ordinal !== undefined && ordinal > 1 && SINGULAR_UNITS.has(after ?? '')) {
    t.pos += 2;
    return { freq: UNITS[after!], interval: ordinal };
  }
  // "every second" / "every 2nd hour" would otherwise read as "monthly on the 2nd".
  if (ordinal !== undefined && ((next === 'second' && after === undefined) || CLOCK_UNITS.has(after ?? ''))) {
    throw new NotUnderstood();
  }
  return headFromItems(t);
}

/** A phrase about seconds, minutes or hours ("every second", "every 5 minutes", "hourly"). */
function isClockPhrase(tokens: readonly string[]): boolean {
  if (CLOCK_WORDS.has(tokens[0] ?? '')) return true;
  if (tokens[0] !== 'every' && tokens[0] !== 'each') return false;
  const [, first, second] = tokens;
  if (first === 'second' && second === undefined) return true;
  return (
    CLOCK_UNITS.has(first ?? '') ||
    ((NUMBER.test(first ?? '') || first === 'other' || ordinalFromWord(first ?? '') !== undefined) &&
      CLOCK_UNITS.has(second ?? ''))
  );
}

/** "every mon and fri" is weekly; anything with an ordinal or a month day is monthly. */
function headFromItems(t: Tokens): RuleDraft {
  const items = parseItems(t);
  if (items === null) throw new NotUnderstood();
  const weekly = items.byMonthDay.length === 0 && items.byDay.every((d) => d.n === 0);
  return weekly ? { freq: 'WEEKLY', byDay: items.byDay } : { freq: 'MONTHLY', ...items };
}

function parseClauses(t: Tokens, draft: RuleDraft): void {
  let on = draft.byDay !== undefined || draft.byMonthDay !== undefined;
  while (!t.done) {
    if (t.accept('on')) {
      const items = parseItems(t);
      if (on || items === null) throw new NotUnderstood();
      if (items.byDay.length > 0) draft.byDay = items.byDay;
      if (items.byMonthDay.length > 0) draft.byMonthDay = items.byMonthDay;
      on = true;
    } else if (t.accept('in')) {
      if (draft.byMonth !== undefined) throw new NotUnderstood();
      draft.byMonth = parseList(t, () => monthFromWord(t.peek() ?? ''));
    } else if (t.accept('of')) {
      // A no-op that only reads as English where it cannot change the meaning.
      t.expect('the', 'every', 'each');
      t.expect('month');
      const yearlyByMonthDay = draft.freq === 'YEARLY' && draft.byDay === undefined && draft.byMonthDay !== undefined;
      if (draft.freq !== 'MONTHLY' && !yearlyByMonthDay) throw new NotUnderstood();
    } else if (t.accept('until')) {
      if (draft.until !== undefined) throw new NotUnderstood();
      draft.until = parseUntilPhrase(t);
    } else {
      if (draft.count !== undefined) throw new NotUnderstood();
      draft.count = parseCount(t);
    }
  }
}

function parseItems(t: Tokens): Items | null {
  const first = parseItem(t);
  if (first === null) return null;
  const items: Items = { byDay: [...first.byDay], byMonthDay: [...first.byMonthDay] };
  for (;;) {
    const save = t.pos;
    const sep = t.accept(',') ? (t.accept('and'), true) : t.accept('and');
    const item = sep ? parseItem(t) : null;
    if (item === null) {
      t.pos = save;
      break;
    }
    items.byDay.push(...item.byDay);
    items.byMonthDay.push(...item.byMonthDay);
  }
  // "on day 13 and Friday" would read as a union but mean an intersection: RRULE only.
  if (items.byDay.length > 0 && items.byMonthDay.length > 0) throw new NotUnderstood();
  return items;
}

function parseItem(t: Tokens): Items | null {
  const start = t.pos;
  t.accept('the');
  const word = t.peek() ?? '';
  const days = (list: Weekday[], n = 0): Items => ({ byDay: list.map((weekday) => ({ weekday, n })), byMonthDay: [] });
  const monthDays = (list: number[]): Items => ({ byDay: [], byMonthDay: list });
  if (t.accept('weekday', 'weekdays')) return days(WORKWEEK);
  if (t.accept('weekend', 'weekends')) return days(WEEKEND);
  const weekday = weekdayFromWord(word);
  if (weekday !== undefined) {
    t.next();
    return days([weekday]);
  }
  if (word === 'day' && NUMBER.test(t.peek(1) ?? '')) {
    t.next();
    return monthDays([Number(t.next())]);
  }
  if (word === 'days' && NUMBER.test(t.peek(1) ?? '')) {
    t.next();
    // A number followed by "times" is the COUNT suffix, not another day.
    return monthDays(
      parseList(t, () => {
        const n = t.peek() ?? '';
        return NUMBER.test(n) && !/^times?$/.test(t.peek(1) ?? '') ? Number(n) : undefined;
      }),
    );
  }
  const n = parseOrdinal(t);
  if (n !== undefined) {
    const ordinalDay = weekdayFromWord(t.peek() ?? '');
    if (ordinalDay !== undefined) {
      t.next();
      return days([ordinalDay], n);
    }
    if (t.accept('day') || n > 0) return monthDays([n]);
  }
  t.pos = start;
  return null;
}

/** "2nd" → 2, "last" → -1, "2nd to last" / "second last" / "next to last" → -2. */
function parseOrdinal(t: Tokens): number | undefined {
  const word = t.peek() ?? '';
  if (word === 'next' && t.peek(1) === 'to' && t.peek(2) === 'last') {
    t.pos += 3;
    return -2;
  }
  const n = ordinalFromWord(word);
  if (n === undefined) return undefined;
  t.next();
  if (n > 0 && t.peek() === 'to' && t.peek(1) === 'last') {
    t.pos += 2;
    return -n;
  }
  if (n > 0 && t.accept('last')) return -n;
  return n;
}
