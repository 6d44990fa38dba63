import { monthFromWord, weekdayFromWord, WEEKDAYS } from '../recurrence/words.js';
import {
  addCalendarDays,
  addCalendarMonths,
  calendarDate,
  daysInMonth,
  isCalendarDate,
  isClockTime,
  isoWeekday,
  wallClock,
} from '../time/calendar.js';
import { at, type Scanner } from './scanner.js';

/*
 * The words for *when*: dates, times of day and moments from now. Each reader cuts what it
 * understands out of the scanner; the first date and the first time win, later ones stay in
 * the text. Conventions (the table test in phrases.test.ts pins each):
 * - a bare weekday ("friday", "on fri", "this friday") is the soonest such day, today included;
 *   "next friday" is the soonest after today; "next week" is next Monday, "next week friday"
 *   (or "friday next week") the Friday of that week, "next weekend" its Saturday;
 * - a month and day without a year ("dec 24", "24th of december") is the next such day, today
 *   included (Feb 29: the next leap year); "on the 15th" is the next 15th of a month
 *   (not a bare "the 15th": "the 2nd draft" is a title);
 * - "in N hours/minutes" (or "N hours from now", "in half an hour") counts from the reference
 *   instant (so it is exact across DST changes); "in N days/weeks/fortnights/months/years" (or
 *   "N days from now") counts calendar days (months clamp: Jan 31 + 1 month = Feb 28);
 * - "at 8" is 08:00 (24-hour clock without am/pm); "9.30am" and "at 9.30" are 09:30 (a dotted
 *   time needs am/pm or "at": "version 2.10" is a title); morning 09:00, afternoon 15:00, evening
 *   18:00, tonight/night 20:00;
 * - a time without a date is today, or tomorrow once that time has passed (see `settle`).
 */

export interface Now {
  /** Today on the user's wall calendar, "YYYY-MM-DD". */
  date: string;
  /** The wall time there, "HH:mm:ss". */
  time: string;
  instant: Date;
}

export interface When {
  date: string | null;
  /** "HH:mm" */
  time: string | null;
}

export function nowIn(now: Date | string, timeZone: string): Now {
  const instant = typeof now === 'string' ? new Date(now) : now;
  return { ...wallClock(instant, timeZone), instant };
}

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
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  ninety: 90,
};
const NUMBER = String.raw`\d{1,4}|${Object.keys(NUMBER_WORDS).join('|')}`;
export const numberOf = (word: string): number => NUMBER_WORDS[word.toLowerCase()] ?? Number(word);

const pad = (n: number) => String(n).padStart(2, '0');
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
/** Weekday words that are safe on their own; "sun" and "sat" are also English words, so they need "on"/"next"/"this". */
const WEEKDAY = String.raw`mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|weds|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|saturday|sunday`;
const ANY_WEEKDAY = String.raw`${WEEKDAY}|sat|sun`;
const MONTH = String.raw`jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`;
const ORDINAL = String.raw`(\d{1,2})(?:st|nd|rd|th)`;
/** Words that may lead into a date without changing it: "on friday", "by tomorrow", "starting monday". */
const LEAD = String.raw`(?:(?:on|by|due|starting|from)\s+)?`;
const MERIDIEM = String.raw`am|pm|a\.m\.|p\.m\.`;
const DAYPART: Record<string, string> = { morning: '09:00', afternoon: '15:00', evening: '18:00', night: '20:00' };

/** ISO weekday (1 = Monday) of a weekday word, or undefined. */
function weekdayNumber(word: string): number | undefined {
  const code = weekdayFromWord(word.toLowerCase());
  return code === undefined ? undefined : WEEKDAYS.indexOf(code) + 1;
}

/** "9", "9:30", "9pm", "9:30 a.m.", "noon" → "HH:mm"; a bare hour only when `bareHour` (after "at"). */
export function clockTime(text: string, bareHour = false): string | null {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return '12:00';
  if (t === 'midnight') return '00:00';
  const m = /^(\d{1,2})(?:([:.])(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(t);
  if (!m) return null;
  const [, hourText, separator, minuteText, meridiem] = m;
  // "9.30" is a time only with am/pm or after "at"; "2.10" alone is a number ("version 2.10").
  if (separator === '.' && !meridiem && !bareHour) return null;
  let hour = Number(hourText);
  const minute = Number(minuteText ?? 0);
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.startsWith('p') ? 12 : 0);
  } else if (minuteText === undefined && !bareHour) {
    return null; // a bare number is not a time ("buy 2 apples")
  }
  return isClockTime(hour, minute) ? `${pad(hour)}:${pad(minute)}` : null;
}

/** "in 2 hours", "in 90 minutes": a moment counted from the reference instant. */
export function readMoment(s: Scanner, when: When, now: Now, timeZone: string): void {
  const set = (minutes: number) => {
    if (when.date || when.time) return false;
    const later = wallClock(new Date(now.instant.getTime() + minutes * 60_000), timeZone);
    when.date = later.date;
    when.time = later.time.slice(0, 5);
    return true;
  };
  const UNIT = String.raw`(hours?|hrs?|minutes?|mins?)`;
  const minutesOf = (n: string, unit: string) => numberOf(n) * (unit.toLowerCase().startsWith('h') ? 60 : 1);
  s.take(at(String.raw`in\s+(${NUMBER})\s+${UNIT}`), (m) => set(minutesOf(m[1]!, m[2]!)));
  s.take(at(String.raw`(${NUMBER})\s+${UNIT}\s+from\s+now`), (m) => set(minutesOf(m[1]!, m[2]!)));
  s.take(at(String.raw`in\s+(half\s+an\s+hour|an?\s+hour\s+and\s+a\s+half)`), (m) =>
    set(m[1]!.toLowerCase().startsWith('half') ? 30 : 90),
  );
}

export function readTime(s: Scanner, when: When, now: Now): void {
  const set = (time: string | null, date: string | null = null) => {
    if (time === null || when.time) return false;
    when.time = time;
    if (date && !when.date) when.date = date;
    return true;
  };
  s.take(at(String.raw`(?:at|@)\s+(noon|midnight|\d{1,2}(?:[:.]\d{2})?(?:\s*(?:${MERIDIEM}))?)`), (m) =>
    set(clockTime(m[1]!, true)),
  );
  s.take(at(String.raw`\d{1,2}(?:[:.]\d{2})?\s*(?:${MERIDIEM})|\d{1,2}:\d{2}|noon|midnight`), (m) => set(clockTime(m[0])));
  s.take(at(String.raw`(?:this|in\s+the)\s+(morning|afternoon|evening)`), (m) =>
    set(DAYPART[m[1]!.toLowerCase()]!, m[0].toLowerCase().startsWith('this') ? now.date : null),
  );
  // "tomorrow morning", "friday evening": only the part of day; the day word stays for the date readers.
  s.take(
    new RegExp(String.raw`(?<=\s(?:today|tomorrow|tmrw|tmr|${ANY_WEEKDAY}))\s+(morning|afternoon|evening|night)(?=\s)`, 'giu'),
    (m) => set(DAYPART[m[1]!.toLowerCase()]!),
  );
  s.take(at('tonight'), () => {
    if (when.date && when.date !== now.date) return false;
    when.date = now.date;
    if (!when.time) when.time = DAYPART.night!;
    return true;
  });
}

/** Dates no recurrence phrase contains, read before recurrence so "every week tomorrow" splits. */
export function readRelativeDate(s: Scanner, when: When, now: Now): void {
  const set = (date: string | null) => {
    if (date === null || when.date) return false;
    when.date = date;
    return true;
  };
  const today = now.date;
  const weekday = isoWeekday(today);
  s.take(at(`${LEAD}(?:the\\s+)?day\\s+after\\s+(?:tomorrow|tmrw)`), () => set(addCalendarDays(today, 2)));
  s.take(at(`${LEAD}today`), () => set(today));
  s.take(at(`${LEAD}(?:tomorrow|tmrw|tmr)`), () => set(addCalendarDays(today, 1)));
  s.take(at('yesterday'), () => set(addCalendarDays(today, -1)));
  const later = (count: string, unitWord: string) => {
    const n = numberOf(count);
    const unit = unitWord.toLowerCase()[0];
    if (unit === 'd') return set(addCalendarDays(today, n));
    if (unit === 'w') return set(addCalendarDays(today, 7 * n));
    if (unit === 'f') return set(addCalendarDays(today, 14 * n));
    return set(addCalendarMonths(today, unit === 'm' ? n : 12 * n));
  };
  const UNIT = String.raw`(days?|weeks?|fortnights?|months?|years?)`;
  s.take(at(String.raw`${LEAD}in\s+(${NUMBER})\s+${UNIT}`), (m) => later(m[1]!, m[2]!));
  s.take(at(String.raw`(${NUMBER})\s+${UNIT}\s+from\s+(?:now|today)`), (m) => later(m[1]!, m[2]!));
  // Before "next month": "end of next month" holds it.
  s.take(at(String.raw`(?:by\s+)?(?:the\s+)?end\s+of\s+(the\s+|this\s+|next\s+)?(week|month|year)`), (m) => {
    const ahead = m[1]?.trim().toLowerCase() === 'next' ? 1 : 0;
    const unit = m[2]!.toLowerCase();
    if (unit === 'week') return set(addCalendarDays(today, 7 - weekday + 7 * ahead));
    if (unit === 'month') return set(addCalendarDays(addCalendarMonths(`${today.slice(0, 8)}01`, 1 + ahead), -1));
    return set(`${Number(today.slice(0, 4)) + ahead}-12-31`);
  });
  // A weekday of next week: "next week friday", "next week on fri", "friday next week".
  const nextWeekDay = (word: string) => {
    const target = weekdayNumber(word);
    return target === undefined ? false : set(addCalendarDays(today, 7 - weekday + target));
  };
  s.take(at(String.raw`${LEAD}next\s+week\s+(?:on\s+)?(${ANY_WEEKDAY})`), (m) => nextWeekDay(m[1]!));
  s.take(at(String.raw`${LEAD}(${ANY_WEEKDAY})\s+(?:of\s+)?next\s+week`), (m) => nextWeekDay(m[1]!));
  s.take(at(String.raw`${LEAD}next\s+weekend`), () => set(addCalendarDays(today, 13 - weekday)));
  s.take(at(String.raw`${LEAD}next\s+(week|month|year)`), (m) => {
    const unit = m[1]!.toLowerCase();
    if (unit === 'week') return set(addCalendarDays(today, 8 - weekday));
    if (unit === 'month') return set(addCalendarMonths(`${today.slice(0, 8)}01`, 1));
    return set(`${Number(today.slice(0, 4)) + 1}-01-01`);
  });
  // The Saturday of this week; on a Sunday, today (the weekend is not over yet).
  s.take(at(String.raw`(?:this|the|on\s+the|at\s+the)\s+weekend`), () =>
    set(addCalendarDays(today, weekday === 7 ? 0 : 6 - weekday)),
  );
  // Not after "until": that date ends a recurrence ("every day until 2027-06-30").
  s.take(new RegExp(String.raw`(?<=\s)(?<!until\s)${LEAD}(\d{4})-(\d{2})-(\d{2})(?=\s|[,;.!?](?:\s|$))`, 'giu'), (m) => {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isCalendarDate(y, mo, d) ? set(calendarDate(y, mo, d)) : false;
  });
}

/** Month days and weekdays: read after recurrence, whose phrases use the same words. */
export function readCalendarDate(s: Scanner, when: When, now: Now): void {
  const set = (date: string | null) => {
    if (date === null || when.date) return false;
    when.date = date;
    return true;
  };
  const today = now.date;
  const monthDay = (monthWord: string, day: number, yearText: string | undefined): string | null => {
    const month = monthFromWord(monthWord.toLowerCase());
    if (month === undefined) return null;
    if (yearText !== undefined)
      return isCalendarDate(Number(yearText), month, day) ? calendarDate(Number(yearText), month, day) : null;
    // The next such day, today included; Feb 29 waits for a leap year (at most 8 years away).
    for (let year = Number(today.slice(0, 4)); year <= Number(today.slice(0, 4)) + 8; year++) {
      if (isCalendarDate(year, month, day) && calendarDate(year, month, day) >= today) return calendarDate(year, month, day);
    }
    return null;
  };
  const YEAR = String.raw`(?:,?\s+(\d{4}))?`;
  s.take(at(String.raw`${LEAD}(?:the\s+)?(${MONTH})\.?\s+(\d{1,2})(?:st|nd|rd|th)?${YEAR}`), (m) =>
    set(monthDay(m[1]!, Number(m[2]), m[3])),
  );
  s.take(at(String.raw`${LEAD}(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(${MONTH})\.?${YEAR}`), (m) =>
    set(monthDay(m[2]!, Number(m[1]), m[3])),
  );
  // "on the 15th", "by the 15th", "on 15th": the next day of a month with that number.
  s.take(at(String.raw`(?:on|by|due)\s+(?:the\s+)?${ORDINAL}`), (m) => {
    const day = Number(m[1]);
    if (day < 1 || day > 31) return false;
    let month = `${today.slice(0, 8)}01`;
    for (let i = 0; i < 12; i++, month = addCalendarMonths(month, 1)) {
      const [y, mo] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
      if (day <= daysInMonth(y, mo) && calendarDate(y, mo, day) >= today) return set(calendarDate(y, mo, day));
    }
    return false;
  });
  s.take(at(String.raw`(?:(next|this(?:\s+coming)?|coming|on|by|due|starting)\s+(${ANY_WEEKDAY})|(${WEEKDAY}))`), (m) => {
    const target = weekdayNumber(m[2] ?? m[3]!);
    if (target === undefined) return false;
    let delta = (target - isoWeekday(today) + 7) % 7;
    if (delta === 0 && m[1]?.toLowerCase() === 'next') delta = 7;
    return set(addCalendarDays(today, delta));
  });
}

/** A time without a date is today, or tomorrow once that time has passed. */
export function settle(when: When, now: Now): void {
  if (when.time && !when.date) when.date = `${when.time}:00` <= now.time ? addCalendarDays(now.date, 1) : now.date;
}

export const weekdayName = (date: string): string => {
  const name = DAY_NAMES[isoWeekday(date) - 1]!;
  return name[0]!.toUpperCase() + name.slice(1);
};
