import { isDomainError } from '../errors.js';
import { normalizeRecurrence } from '../recurrence/normalize.js';
import type { Due, Priority } from '../tasks/task.schema.js';
import { at, Scanner } from './scanner.js';
import { nowIn, numberOf, readCalendarDate, readMoment, readRelativeDate, readTime, settle, type When } from './when.js';

/*
 * Quick add: one line of words → the parts of a new task. Pure; the clock is passed in.
 *
 *   "Pay rent every month on the 1st at 9am #home !high"
 *   → title "Pay rent", recurrence FREQ=MONTHLY;BYMONTHDAY=1, time 09:00, tags [home], priority high
 *
 * Read in this order, each cutting its words out of the title: reminders ("remind me 30 min
 * before"), #tags, @project, !priority (!low … !urgent, or !1 = urgent … !4 = low), moments
 * ("in 2 hours"), times, dates no recurrence contains (today, tomorrow, in 3 days, next week,
 * 2026-12-01 …), the recurrence, then month days and weekdays (which "every monday" and
 * "every month on the 15th" use themselves). See when.ts for the date conventions.
 *
 * A recurrence is whatever the recurrence grammar understands (`normalizeRecurrence`, the same
 * code the API runs), starting at "every"/"each" and as long as possible, or a trailing
 * "daily"/"weekly"/"fortnightly"/"monthly"/"quarterly"/"yearly" phrase ("every two weeks" and
 * "every quarter" are read as "every 2 weeks" and "every 3 months"). Words it does not understand stay
 * in the title, so a preview never promises a repeat the server would refuse.
 *
 * A series typed without a date has no `due` here: it starts at the rule's first date from
 * today on, which takes the recurrence engine (the API's recurrence preview); a weekly or
 * every-N-days rule without a weekday therefore starts today. A time without a date otherwise
 * means today, or tomorrow once that time has passed.
 */

export interface PhraseClock {
  /** The reference instant, e.g. the current time. */
  now: Date | string;
  /** The user's IANA zone: dates are read on its calendar, timed dues are put in it. */
  timeZone: string;
}

export interface TaskPhrase {
  title: string;
  /** The due the words name: all-day, or a wall time in the clock's zone. */
  due: Due | null;
  /** "YYYY-MM-DD", when a date was read (or implied by a time). */
  date: string | null;
  /** "HH:mm", when a time was read; a series without a date starts on its first date at this time. */
  time: string | null;
  /** `phrase` as typed; `rule` the normalised RRULE; `text` its English. */
  recurrence: { phrase: string; rule: string; text: string } | null;
  tags: string[];
  project: string | null;
  priority: Priority | null;
  /** Relative reminders, in minutes before the due. */
  remindersMinutesBefore: number[];
}

const PRIORITY_WORDS: Record<string, Priority> = {
  none: 'none',
  low: 'low',
  medium: 'medium',
  med: 'medium',
  high: 'high',
  urgent: 'urgent',
  '1': 'urgent',
  '2': 'high',
  '3': 'medium',
  '4': 'low',
};
const UNIT_MINUTES: Record<string, number> = {
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  d: 1440,
  day: 1440,
  days: 1440,
};
const RECURRENCE_HEADS = new Set(['every', 'each']);
const RECURRENCE_WORDS = new Set(['daily', 'weekly', 'fortnightly', 'monthly', 'quarterly', 'yearly', 'annually']);

/**
 * Ways of saying a repeat that the recurrence grammar takes in other words: "every two weeks"
 * (every 2 weeks), "every quarter" and "quarterly" (every 3 months).
 */
function inGrammarWords(phrase: string): string {
  return phrase
    .replace(/^every\s+(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/i, (_, n: string) => `every ${numberOf(n)}`)
    .replace(/^(?:every\s+quarter|quarterly)\b/i, 'every 3 months');
}

function understoodRecurrence(phrase: string): { rule: string; text: string } | null {
  try {
    return normalizeRecurrence(inGrammarWords(phrase));
  } catch (error) {
    if (isDomainError(error)) return null;
    throw error;
  }
}

/** The longest understood phrase from an "every"/"each", or a trailing "weekly …" phrase. */
function readRecurrence(s: Scanner): TaskPhrase['recurrence'] {
  const words = s.words();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.word.toLowerCase();
    const head = RECURRENCE_HEADS.has(word);
    if (!head && !RECURRENCE_WORDS.has(word)) continue;
    // "every" may end early ("every week for the team"); "monthly" only ends the text ("monthly report").
    for (let end = words.length; end > i && (head || end === words.length); end--) {
      const phrase = words
        .slice(i, end)
        .map((w) => w.word)
        .join(' ')
        .replace(/^each\b/i, 'every');
      const rule = understoodRecurrence(phrase);
      if (rule) {
        s.cut(words[i]!.start, words[end - 1]!.end);
        return { phrase, ...rule };
      }
    }
  }
  return null;
}

export function parseTaskPhrase(input: string, clock: PhraseClock): TaskPhrase {
  const now = nowIn(clock.now, clock.timeZone);
  const s = new Scanner(input);
  const result: TaskPhrase = {
    title: '',
    due: null,
    date: null,
    time: null,
    recurrence: null,
    tags: [],
    project: null,
    priority: null,
    remindersMinutesBefore: [],
  };
  // Reminders first: "remind me 30 min before" holds words other readers would take.
  while (
    s.take(at(String.raw`remind(?:\s+me)?\s+(\d{1,6})\s*([a-z]+)\s+before`), (m) => {
      const unit = UNIT_MINUTES[m[2]!.toLowerCase()];
      if (!unit) return false;
      result.remindersMinutesBefore.push(Number(m[1]) * unit);
      return true;
    })
  );
  while (
    s.take(at(String.raw`#([^\s#,!@]+)`), (m) => {
      if (!result.tags.includes(m[1]!)) result.tags.push(m[1]!);
    })
  );
  s.take(at(String.raw`@([^\s#,!@]+)`), (m) => {
    result.project = m[1]!;
  });
  s.take(at(String.raw`!(low|medium|med|high|urgent|none|[1-4])`), (m) => {
    result.priority = PRIORITY_WORDS[m[1]!.toLowerCase()]!;
  });

  const when: When = { date: null, time: null };
  readMoment(s, when, now, clock.timeZone);
  readTime(s, when, now);
  readRelativeDate(s, when, now);
  result.recurrence = readRecurrence(s);
  readCalendarDate(s, when, now);
  if (!result.recurrence) settle(when, now);

  result.title = s.rest;
  result.date = when.date;
  result.time = when.time;
  if (when.date)
    result.due = when.time ? { dateTime: `${when.date}T${when.time}:00`, timeZone: clock.timeZone } : { date: when.date };
  return result;
}
