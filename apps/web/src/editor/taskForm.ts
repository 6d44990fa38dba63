/**
 * The editor's form model ↔ the API's task: the due fields, reminder rows and tags as the form
 * holds them, and what a save sends for them. Pure (Intl only), unit-tested.
 */
import type { Due, Reminder, ReminderInput } from '../api.js';
import { localParts, zonedToInstant } from '../views.js';

export type DueKind = 'none' | 'date' | 'datetime';

/** The due fields; `time` and `zone` count only for 'datetime' (zone '' = floating). */
export interface DueForm {
  kind: DueKind;
  date: string;
  time: string;
  zone: string;
}

export function dueForm(due: Due | null): DueForm {
  return {
    kind: !due ? 'none' : 'date' in due ? 'date' : 'datetime',
    date: due ? ('date' in due ? due.date : due.dateTime.slice(0, 10)) : '',
    time: due && 'dateTime' in due ? due.dateTime.slice(11, 16) : '09:00',
    zone: due && 'dateTime' in due ? (due.timeZone ?? '') : '',
  };
}

/** No date means no due, whatever the kind. */
export function dueInput({ kind, date, time, zone }: DueForm): Due | null {
  if (kind === 'date' && date) return { date };
  if (kind === 'datetime' && date) return { dateTime: `${date}T${time || '00:00'}`, timeZone: zone || null };
  return null;
}

export interface ReminderRow {
  key: string;
  type: 'relative' | 'absolute';
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
  at: string; // datetime-local, in the task's zone
}

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 } as const;
let rowKey = 0;

/** Each relative reminder in the largest unit that divides it; absolute ones as local time in `zone`. */
export function reminderRows(reminders: Reminder[], zone: string): ReminderRow[] {
  return reminders.map((r) => {
    const key = `r${rowKey++}`;
    if (r.type === 'absolute')
      return { key, type: 'absolute', amount: 30, unit: 'minutes', at: localParts(new Date(r.at), zone).slice(0, 16) };
    const unit =
      r.minutesBefore % 1440 === 0 && r.minutesBefore > 0
        ? 'days'
        : r.minutesBefore % 60 === 0 && r.minutesBefore > 0
          ? 'hours'
          : 'minutes';
    return { key, type: 'relative', amount: r.minutesBefore / UNIT_MINUTES[unit], unit, at: '' };
  });
}

/** 30 minutes before due; should it be switched to "at a time", that starts an hour from now. */
export function newReminderRow(zone: string, now: number = Date.now()): ReminderRow {
  return {
    key: `r${rowKey++}`,
    type: 'relative',
    amount: 30,
    unit: 'minutes',
    at: localParts(new Date(now + 3600_000), zone).slice(0, 16),
  };
}

/** Rows with no time yet are dropped; amounts are rounded to whole minutes, never negative. */
export function reminderInputs(rows: ReminderRow[], zone: string): ReminderInput[] {
  return rows.flatMap((r): ReminderInput[] => {
    if (r.type === 'relative')
      return [{ type: 'relative', minutesBefore: Math.max(0, Math.round(r.amount * UNIT_MINUTES[r.unit])) }];
    return r.at ? [{ type: 'absolute', at: zonedToInstant(r.at, zone) }] : [];
  });
}

/** "home, #errands, " → ["home", "errands"]. */
export function tagList(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim().replace(/^#/, ''))
    .filter(Boolean);
}
