import type { RecurrenceRule, Until, WeekdayNum } from './rule.js';
import { MONTH_NAMES, WEEKDAY_NAMES, joinList, ordinalText } from './words.js';

/*
 * English for a validated rule. Every rule the phrase grammar can express is described in words
 * that grammar parses back to the same rule (tested as a property); the rest (BYSETPOS, WKST,
 * BYMONTHDAY combined with BYDAY) get a readable parenthetical instead.
 */

const UNIT = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' } as const;

function dayItem({ weekday, n }: WeekdayNum): string {
  return n === 0 ? WEEKDAY_NAMES[weekday] : `the ${ordinalText(n)} ${WEEKDAY_NAMES[weekday]}`;
}

function monthDayItems(days: readonly number[]): string {
  if (days.every((d) => d > 0)) {
    return days.length === 1 ? `day ${days[0]}` : `days ${joinList(days.map(String))}`;
  }
  return joinList(days.map((d) => (d > 0 ? `day ${d}` : `the ${ordinalText(d)} day`)));
}

function untilText(until: Until): string {
  const iso = until.kind === 'date' ? until.date : until.instant;
  const [year, month, day] = [iso.slice(0, 4), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
  const date = `${day} ${(MONTH_NAMES[month - 1] ?? '').slice(0, 3)} ${year}`;
  if (until.kind === 'date') return date;
  const time = iso.slice(11, 19).replace(/:00$/, '');
  return `${date} at ${time} UTC`;
}

export function describeRule(rule: RecurrenceRule): string {
  const unit = UNIT[rule.freq];
  const every = rule.interval === 1 ? `every ${unit}` : `every ${rule.interval} ${unit}s`;
  let text = every;
  const codes = rule.byDay.map((d) => d.weekday).join(',');
  if (rule.freq === 'WEEKLY' && rule.byDay.length > 0) {
    const names = joinList(rule.byDay.map(dayItem));
    if (rule.interval > 1) text = `${every} on ${names}`;
    else if (codes === 'MO,TU,WE,TH,FR') text = 'every weekday';
    else if (codes === 'SA,SU') text = 'every weekend';
    else text = `every ${names}`;
  } else if (rule.byMonthDay.length > 0 && rule.byDay.length > 0) {
    const weekdays = rule.byDay.map(dayItem).join(' or ');
    text += ` on ${monthDayItems(rule.byMonthDay)} when that is ${weekdays}`;
  } else if (rule.byMonthDay.length > 0) {
    text += ` on ${monthDayItems(rule.byMonthDay)}`;
    // RFC 5545: YEARLY with BYMONTHDAY but no BYMONTH means that day of every month.
    if (rule.freq === 'YEARLY' && rule.byMonth.length === 0) text += ' of every month';
  } else if (rule.byDay.length > 0) {
    text += ` on ${joinList(rule.byDay.map(dayItem))}`;
  }
  if (rule.byMonth.length > 0) {
    text += ` in ${joinList(rule.byMonth.map((m) => MONTH_NAMES[m - 1] ?? String(m)))}`;
  }
  if (rule.bySetPos.length > 0) {
    const period = rule.freq === 'DAILY' ? 'day' : UNIT[rule.freq];
    text += ` (only the ${joinList(rule.bySetPos.map(ordinalText))} of those dates in each ${period})`;
  }
  if (rule.wkst !== undefined) text += ` (weeks start on ${WEEKDAY_NAMES[rule.wkst]})`;
  if (rule.count !== undefined) text += `, ${rule.count} ${rule.count === 1 ? 'time' : 'times'}`;
  if (rule.until !== undefined) text += ` until ${untilText(rule.until)}`;
  return text;
}
