/*
 * Vocabulary shared by the phrase parser and `describeRecurrence`. Keeping both directions on
 * one table is what makes describe → parse round-trip.
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const WEEKDAY_WORDS = new Map<string, Weekday>();
for (const code of WEEKDAYS) {
  const name = WEEKDAY_NAMES[code].toLowerCase();
  for (const word of [name, `${name}s`, name.slice(0, 3), `${name.slice(0, 3)}s`]) {
    WEEKDAY_WORDS.set(word, code);
  }
}
for (const [word, code] of [
  ['tues', 'TU'],
  ['weds', 'WE'],
  ['thur', 'TH'],
  ['thurs', 'TH'],
] as const) {
  WEEKDAY_WORDS.set(word, code);
}

const MONTH_WORDS = new Map<string, number>();
MONTH_NAMES.forEach((name, i) => {
  MONTH_WORDS.set(name.toLowerCase(), i + 1);
  MONTH_WORDS.set(name.slice(0, 3).toLowerCase(), i + 1);
});
MONTH_WORDS.set('sept', 9);

export const weekdayFromWord = (word: string): Weekday | undefined => WEEKDAY_WORDS.get(word);
export const monthFromWord = (word: string): number | undefined => MONTH_WORDS.get(word);

const ORDINAL_WORDS = new Map<string, number>([
  ['first', 1],
  ['second', 2],
  ['third', 3],
  ['fourth', 4],
  ['fifth', 5],
]);

/** "1st", "22nd", "first" → n; "last" → -1. Sign handling for "2nd to last" is the parser's. */
export function ordinalFromWord(word: string): number | undefined {
  if (word === 'last') return -1;
  const named = ORDINAL_WORDS.get(word);
  if (named !== undefined) return named;
  const m = /^(\d{1,3})(st|nd|rd|th)$/.exec(word);
  return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
}

export function ordinalSuffix(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** -1 → "last", -2 → "2nd to last", 3 → "3rd". */
export function ordinalText(n: number): string {
  if (n === -1) return 'last';
  return n < 0 ? `${ordinalSuffix(-n)} to last` : ordinalSuffix(n);
}

/** ["a","b","c"] → "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
