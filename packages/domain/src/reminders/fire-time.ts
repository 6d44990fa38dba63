/**
 * When a reminder fires. Absolute reminders fire at their instant; relative ones a number of
 * minutes before the due — for all-day tasks, before the user's reminder hour on the due date
 * (default 09:00 in the user's zone). A snooze replaces the computed time, once.
 */
import { localToInstant } from '../time/index.js';
import type { Due, Reminder } from '../tasks/task.schema.js';

export interface ReminderOwner {
  timeZone: string;
  reminderHour: number;
}

export interface ReminderTask {
  due: Due | null;
  dueAt: string | null;
}

export function reminderFireAt(
  reminder: Reminder & { snoozedUntil?: string | null },
  task: ReminderTask,
  owner: ReminderOwner,
): Date | null {
  if (reminder.snoozedUntil) return new Date(reminder.snoozedUntil);
  if (reminder.type === 'absolute') return new Date(reminder.at);
  if (!task.due || !task.dueAt) return null;
  const base =
    'date' in task.due
      ? new Date(localToInstant(`${task.due.date}T${String(owner.reminderHour).padStart(2, '0')}:00:00`, owner.timeZone))
      : new Date(task.dueAt);
  return new Date(base.getTime() - reminder.minutesBefore * 60_000);
}

/** The name of the one job that fires a reminder; rescheduling overwrites it. */
export const reminderJobName = (reminderId: string): string => `reminder-${reminderId}`;
