/**
 * What the reminder reconciliation reads and writes: the occurrences the notifier emitted
 * (`reminder_emissions`), and the occurrences that came due without a notification since.
 */
import { sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../db.js';
import { executeNamed } from '../named-statement.js';
import { reminders, tasks, users } from '../schema.js';
import { notifications, reminderEmissions } from '../schema-delivery.js';

export interface UnnotifiedReminder {
  userId: string;
  taskId: string;
  reminderId: string;
  fireAt: Date;
}

/**
 * A reminder's fire time in SQL, as `reminderFireAt` computes it in the domain: the snooze, the
 * absolute instant, or minutes before the due — for an all-day due, before the owner's
 * reminder hour on that day in the owner's zone.
 */
const fireAt = sql`coalesce(r.snoozed_until, case
  when r.kind = 'absolute' then r.at
  when t.due_date is null then null
  when t.due_time is null then ((t.due_date + make_time(u.reminder_hour, 0, 0)) at time zone u.time_zone)
    - make_interval(mins => coalesce(r.minutes_before, 0))
  else t.due_at - make_interval(mins => coalesce(r.minutes_before, 0)) end)`;

export class ReminderRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records that `todo.reminder.due.v1` went out for this occurrence (again: the time is
   * updated), and stores the event's outbox rows, in one statement: atomic without a transaction, one
   * round trip instead of four — what a storm of reminders due at once pays per reminder.
   */
  async markEmittedWithEvents(
    reminderId: string,
    at: Date,
    emittedAt: Date,
    events: readonly { topic: string; event: CloudEvent }[],
  ): Promise<void> {
    const now = emittedAt.toISOString();
    await executeNamed(
      this.db,
      'todo_mark_reminder_emitted',
      sql`
      with emission as (
        insert into reminder_emissions (reminder_id, fire_at, emitted_at)
        values (${reminderId}::uuid, ${at.toISOString()}::timestamptz, ${now}::timestamptz)
        on conflict (reminder_id, fire_at) do update set emitted_at = excluded.emitted_at)
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
        x.item->'event', ${now}::timestamptz, ${now}::timestamptz
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as x(item, ord)
      order by x.ord`,
    );
  }

  /**
   * Occurrences of open tasks' reminders due in (`after`, `before`] with no notification, and
   * not emitted at or after `emittedBefore` — oldest first, across all users (a background
   * scan, like the outbox relay's).
   */
  async unnotified(window: { after: Date; before: Date; emittedBefore: Date; limit: number }): Promise<UnnotifiedReminder[]> {
    const { rows } = (await this.db.execute(sql`
      select * from (
        select t.user_id as "userId", t.id as "taskId", r.id as "reminderId", ${fireAt} as "fireAt"
        from ${reminders} r join ${tasks} t on t.id = r.task_id join ${users} u on u.id = t.user_id
        where t.completed_at is null) due
      where due."fireAt" > ${window.after.toISOString()}::timestamptz and due."fireAt" <= ${window.before.toISOString()}::timestamptz
        and not exists (select 1 from ${notifications} n where n.reminder_id = due."reminderId" and n.fire_at = due."fireAt")
        and not exists (select 1 from ${reminderEmissions} e where e.reminder_id = due."reminderId" and e.fire_at = due."fireAt"
          and e.emitted_at >= ${window.emittedBefore.toISOString()}::timestamptz)
      order by due."fireAt" limit ${window.limit}`)) as {
      rows: { userId: string; taskId: string; reminderId: string; fireAt: string | Date }[];
    };
    return rows.map((r) => ({ ...r, fireAt: new Date(r.fireAt) }));
  }
}
