import { calendarDate, clockText, isCalendarDate, isClockTime } from '../time/calendar.js';
import type { Until } from './rule.js';
import { monthFromWord } from './words.js';

/* Token stream and the self-contained pieces of the phrase grammar (see phrase.ts). */

/** Thrown inside the parser; `parsePhrase` turns it into one DomainError with examples. */
export class NotUnderstood extends Error {}

export const NUMBER = /^\d{1,4}$/;

export class Tokens {
  pos = 0;
  constructor(private readonly list: readonly string[]) {}
  peek(offset = 0): string | undefined {
    return this.list[this.pos + offset];
  }
  next(): string {
    const token = this.list[this.pos++];
    if (token === undefined) throw new NotUnderstood();
    return token;
  }
  accept(...words: string[]): boolean {
    const token = this.peek();
    if (token === undefined || !words.includes(token)) return false;
    this.pos++;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw new NotUnderstood();
  }
  get done(): boolean {
    return this.pos >= this.list.length;
  }
}

export function parseCount(t: Tokens): number {
  t.accept(',');
  if (t.accept('once')) return 1;
  t.accept('for');
  const n = t.next();
  if (!NUMBER.test(n)) throw new NotUnderstood();
  t.expect('time', 'times', 'occurrence', 'occurrences');
  return Number(n);
}

/** `one` reads a single element at t.pos (without consuming) or returns undefined. */
export function parseList<T>(t: Tokens, one: () => T | undefined): T[] {
  const out: T[] = [];
  for (;;) {
    const value = one();
    if (value === undefined) throw new NotUnderstood();
    t.next();
    out.push(value);
    const save = t.pos;
    const sep = t.accept(',') ? (t.accept('and'), true) : t.accept('and');
    if (!sep || one() === undefined) {
      t.pos = save;
      return out;
    }
  }
}

/** "2027-06-30", "30 jun 2027", "june 30, 2027"; optionally "at 09:00 UTC" for an instant. */
export function parseUntilPhrase(t: Tokens): Until {
  let year: number, month: number | undefined, day: number;
  const first = t.next();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(first);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (NUMBER.test(first)) {
    day = Number(first);
    month = monthFromWord(t.next());
    year = Number(t.next());
  } else {
    month = monthFromWord(first);
    day = Number(t.next());
    t.accept(',');
    year = Number(t.next());
  }
  if (month === undefined || !Number.isInteger(year) || year < 1000 || year > 9999) throw new NotUnderstood();
  if (!isCalendarDate(year, month, day)) throw new NotUnderstood();
  const date = calendarDate(year, month, day);
  if (!t.accept('at')) return { kind: 'date', date };
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t.next());
  t.expect('utc', 'z', 'gmt');
  if (!time) throw new NotUnderstood();
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
  if (!isClockTime(hour, minute, second)) throw new NotUnderstood();
  return { kind: 'instant', instant: `${date}T${clockText(hour, minute, second)}Z` };
}
