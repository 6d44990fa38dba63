/**
 * Quick add: one line of natural language → the parts of a new task. Pure (no I/O, no clock:
 * the caller passes "today" in the user's zone), so it is unit-tested on its own.
 *
 *   "Pay rent every month on the 1st at 9am #home !high"
 *   → title "Pay rent", recurrence "every month on the 1st" (the API normalises the phrase),
 *     time 09:00, tags [home], priority high.
 *
 * Recognised: `#tag`, `@category`, `!low|!medium|!high|!urgent` (or `!1`…`!4`, 1 = urgent),
 * `every …` / `daily|weekly|monthly|yearly` recurrence phrases, `today|tomorrow|tonight`,
 * weekday names (`friday`, `next fri`), `in 3 days|weeks`, `2026-12-01`, `dec 1`, `1 december`,
 * `at 9am|9:30 pm|14:00`, and `remind me 30 min before`.
 */

export type QuickPriority = 'none' | 'low' | 'medium' | 'high' | 'urgent';

export interface QuickAdd {
  title: string;
  /** YYYY-MM-DD, when a date was given. */
  date: string | null;
  /** HH:mm, when a time was given. */
  time: string | null;
  /** The English recurrence phrase, sent as `recurrence.rule` for the API to normalise. */
  recurrence: string | null;
  tags: string[];
  category: string | null;
  priority: QuickPriority | null;
  /** Relative reminders, in minutes before due. */
  remindersMinutesBefore: number[];
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
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
const PRIORITY_WORDS: Record<string, QuickPriority> = {
  low: 'low',
  medium: 'medium',
  med: 'medium',
  high: 'high',
  urgent: 'urgent',
  none: 'none',
  '1': 'urgent',
  '2': 'high',
  '3': 'medium',
  '4': 'low',
};

const pad = (n: number) => String(n).padStart(2, '0');
const weekdayIndex = (word: string) => WEEKDAYS.findIndex((d) => d.startsWith(word.toLowerCase()) && word.length >= 3);
const monthIndex = (word: string) => MONTHS.findIndex((m) => m.startsWith(word.toLowerCase()) && word.length >= 3);

/** Civil-date arithmetic on YYYY-MM-DD strings (UTC internally, so no DST surprises). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** "9am" / "9:30 pm" / "14:00" / "noon" → "HH:mm", or null. */
export function parseTime(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return '12:00';
  if (t === 'midnight') return '00:00';
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(t);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  const meridiem = m[3]?.replaceAll('.', '');
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    if (meridiem === 'am') hour = hour === 12 ? 0 : hour;
    else hour = hour === 12 ? 12 : hour + 12;
  } else if (!m[2] || hour > 23) {
    return null; // a bare number is not a time
  }
  return `${pad(hour)}:${pad(minute)}`;
}

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

export function parseQuickAdd(input: string, today: string): QuickAdd {
  const result: QuickAdd = {
    title: '',
    date: null,
    time: null,
    recurrence: null,
    tags: [],
    category: null,
    priority: null,
    remindersMinutesBefore: [],
  };
  let text = ` ${input.trim()} `;
  /** Finds `re` (from left to right); `handle` returning false skips that match and looks further. */
  const take = (source: RegExp, handle: (m: RegExpExecArray) => boolean | void, all = false) => {
    const re = new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
    let from = 0;
    for (;;) {
      re.lastIndex = from;
      const m = re.exec(text);
      if (!m) return;
      if (handle(m) === false) {
        from = m.index + 1;
        continue;
      }
      text = `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`;
      if (!all && !source.flags.includes('g')) return;
      from = m.index;
    }
  };

  // Reminders first: "remind me 30 min before" contains words other rules would take.
  take(/\sremind(?:\s+me)?\s+(\d+)\s*([a-z]+)\s+before(?=\s)/gi, (m) => {
    const unit = UNIT_MINUTES[m[2]!.toLowerCase()];
    if (!unit) return false;
    result.remindersMinutesBefore.push(Number(m[1]) * unit);
    return true;
  });
  take(/\s#([^\s#,!@]+)(?=\s)/g, (m) => {
    const tag = m[1]!;
    if (!result.tags.includes(tag)) result.tags.push(tag);
  });
  take(/\s@([^\s#,!@]+)(?=\s)/, (m) => {
    result.category = m[1]!;
  });
  take(/\s!(low|medium|med|high|urgent|none|[1-4])(?=\s)/i, (m) => {
    result.priority = PRIORITY_WORDS[m[1]!.toLowerCase()] ?? null;
  });

  // Time: "at 9am", "at 14:00", "at noon" — and a bare "9am" / "9:30pm".
  take(/\s(?:at|@)\s+(noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)(?=\s)/i, (m) => {
    const time = parseTime(m[1]!);
    if (!time) return false;
    result.time = time;
    return true;
  });
  if (!result.time) {
    take(/\s(\d{1,2}(?::\d{2})?\s*(?:am|pm))(?=\s)/i, (m) => {
      const time = parseTime(m[1]!);
      if (!time) return false;
      result.time = time;
      return true;
    });
  }

  // Recurrence: from "every" up to the end of what is left (tags, time, priority are gone).
  take(/\s(every\s+.+?|daily|weekly|monthly|yearly|annually|each\s+(?:day|week|month|year|weekday))\s*$/i, (m) => {
    result.recurrence = m[1]!
      .trim()
      .replace(/\s+/g, ' ')
      .replace(/^each\s+/i, 'every ');
  });

  // Dates.
  take(/\s(today|tonight)(?=\s)/i, (m) => {
    result.date = today;
    if (m[1]!.toLowerCase() === 'tonight' && !result.time) result.time = '20:00';
  });
  take(/\s(?:tomorrow|tmrw)(?=\s)/i, () => {
    result.date = addDays(today, 1);
  });
  take(/\sin\s+(\d{1,3})\s+(days?|weeks?|months?)(?=\s)/i, (m) => {
    const n = Number(m[1]);
    const unit = m[2]!.toLowerCase();
    if (unit.startsWith('day')) result.date = addDays(today, n);
    else if (unit.startsWith('week')) result.date = addDays(today, 7 * n);
    else {
      const [y, mo, d] = today.split('-').map(Number) as [number, number, number];
      const total = mo - 1 + n;
      const year = y + Math.floor(total / 12);
      const month = (total % 12) + 1;
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      result.date = validDate(year, month, Math.min(d, last));
    }
  });
  take(/\s(\d{4})-(\d{2})-(\d{2})(?=\s)/, (m) => {
    const date = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!date) return false;
    result.date = date;
    return true;
  });
  // "dec 1", "december 1st", "1 dec", "1st of december" (this year, or next if passed).
  const monthDay = (month: number, day: number) => {
    const year = Number(today.slice(0, 4));
    const thisYear = validDate(year, month + 1, day);
    if (!thisYear) return null;
    return thisYear < today ? validDate(year + 1, month + 1, day) : thisYear;
  };
  take(/\s(?:on\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?=\s)/i, (m) => {
    const month = monthIndex(m[1]!);
    if (month < 0) return false;
    const date = monthDay(month, Number(m[2]));
    if (!date) return false;
    result.date = date;
    return true;
  });
  if (!result.date) {
    take(/\s(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})(?=\s)/i, (m) => {
      const month = monthIndex(m[2]!);
      if (month < 0) return false;
      const date = monthDay(month, Number(m[1]));
      if (!date) return false;
      result.date = date;
      return true;
    });
  }
  // "friday", "on fri", "next monday": the next such day after today.
  if (!result.date) {
    take(
      /\s(?:on\s+|next\s+|this\s+)?(sunday|sun|monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat)(?=\s)/i,
      (m) => {
        const index = weekdayIndex(m[1]!.slice(0, 3));
        if (index < 0) return false;
        let delta = (index - weekdayOf(today) + 7) % 7;
        if (delta === 0) delta = 7;
        result.date = addDays(today, delta);
        return true;
      },
    );
  }

  result.title = text.replace(/\s+/g, ' ').trim();
  return result;
}
