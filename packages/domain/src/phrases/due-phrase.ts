import { DomainError } from '../errors.js';
import type { Due } from '../tasks/task.schema.js';
import { Scanner } from './scanner.js';
import type { PhraseClock } from './task-phrase.js';
import { nowIn, readCalendarDate, readMoment, readRelativeDate, readTime, settle, weekdayName, type When } from './when.js';

/*
 * A due from words alone ("tomorrow 9am", "next friday", "in 2 hours"): the same readers as
 * quick add (when.ts), but every word must be understood. Used where the words are only a
 * date, such as the MCP `parse_due` tool and the CLI's `--due`.
 */

export interface DuePhrase {
  due: Due;
  /** How the words were read, e.g. "Friday 2026-12-04 at 09:00 (Europe/Berlin)". */
  interpretation: string;
}

const HELP =
  'try "today", "tomorrow 9am", "friday", "next monday 14:30", "in 3 days", "in 2 hours", "dec 24", "2026-12-01 18:00" or "end of month"';
/** Words that read as a due only on their own (in a title, "morning run" is not a time). */
const ALONE: Record<string, string> = {
  morning: 'this morning',
  afternoon: 'this afternoon',
  evening: 'this evening',
  weekend: 'this weekend',
};

export function parseDuePhrase(input: string, clock: PhraseClock, field = 'text'): DuePhrase {
  const text = input
    .trim()
    .replace(/[,;.!?]+$/, '')
    .replace(/\s+/g, ' ');
  if (!text) throw DomainError.field('INVALID_DUE', field, `the phrase is empty; ${HELP}`);
  const now = nowIn(clock.now, clock.timeZone);
  // On its own, "the 15th" can only be a day of the month.
  const s = new Scanner(ALONE[text.toLowerCase()] ?? text.replace(/^the\s+(?=\d{1,2}(?:st|nd|rd|th)$)/i, 'on the '));
  const when: When = { date: null, time: null };
  readMoment(s, when, now, clock.timeZone);
  readTime(s, when, now);
  readRelativeDate(s, when, now);
  readCalendarDate(s, when, now);
  settle(when, now);
  if (s.rest !== '' || when.date === null) {
    const shown = input.trim().slice(0, 60);
    throw DomainError.field(
      'INVALID_DUE',
      field,
      `could not read "${shown}" as a date${s.rest && s.rest !== text ? ` (not understood: "${s.rest.slice(0, 40)}")` : ''}; ${HELP}`,
    );
  }
  if (when.time === null) return { due: { date: when.date }, interpretation: `${weekdayName(when.date)} ${when.date} (all day)` };
  return {
    due: { dateTime: `${when.date}T${when.time}:00`, timeZone: clock.timeZone },
    interpretation: `${weekdayName(when.date)} ${when.date} at ${when.time} (${clock.timeZone})`,
  };
}
