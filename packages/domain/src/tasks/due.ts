/** How a due, as a user gives it, becomes stored fields and an instant. */
import { DomainError } from '../errors.js';
import { assertTimeZone, localToInstant, parseLocalDate, parseLocalDateTime } from '../time/index.js';
import type { Due } from './task.schema.js';

export interface DueFields {
  dueDate: string | null;
  /** Local wall time HH:mm:ss, or null for all-day. */
  dueTime: string | null;
  /** IANA zone, or null for floating / all-day (the user's zone applies). */
  dueZone: string | null;
  dueAt: Date | null;
}

export const NO_DUE: DueFields = { dueDate: null, dueTime: null, dueZone: null, dueAt: null };

/**
 * All-day tasks get the start of their day in the user's zone as `dueAt`, so they sort before
 * timed tasks of the same day; overdue-ness of all-day tasks is judged by date, not instant.
 */
export function resolveDue(due: Due | null, userTimeZone: string, field = 'due'): DueFields {
  if (!due) return NO_DUE;
  if ('date' in due) {
    const date = parseLocalDate(due.date, `${field}.date`);
    return { dueDate: date, dueTime: null, dueZone: null, dueAt: new Date(localToInstant(`${date}T00:00:00`, userTimeZone)) };
  }
  const local = parseLocalDateTime(due.dateTime, `${field}.dateTime`);
  const zone = due.timeZone === null ? null : assertTimeZone(due.timeZone, `${field}.timeZone`);
  const [dueDate, dueTime] = local.split('T') as [string, string];
  return { dueDate, dueTime, dueZone: zone, dueAt: new Date(localToInstant(local, zone ?? userTimeZone)) };
}

/** Whether `resolveDue` reads the user's zone for this due (all-day and floating dues do). */
export const dueNeedsUserZone = (due: Due | null): boolean => due !== null && ('date' in due || due.timeZone === null);

/** The due as the anchor string recurrence works on: a date, or a local date-time. */
export function dueAnchor(fields: Pick<DueFields, 'dueDate' | 'dueTime'>): string | null {
  if (!fields.dueDate) return null;
  return fields.dueTime ? `${fields.dueDate}T${fields.dueTime.slice(0, 8)}` : fields.dueDate;
}

export function dueFromAnchor(anchor: string, zone: string | null): Due {
  return anchor.includes('T') ? { dateTime: anchor, timeZone: zone } : { date: anchor };
}

export function requireDueFor(what: 'recurrence' | 'reminder', field: string): never {
  throw DomainError.field(
    what === 'recurrence' ? 'INVALID_RECURRENCE' : 'INVALID_REMINDER',
    field,
    what === 'recurrence' ? 'a recurring task needs a due date to anchor the series' : 'a relative reminder needs a due date',
  );
}
