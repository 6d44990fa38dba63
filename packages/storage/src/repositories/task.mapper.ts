/** Row ↔ wire shape for tasks: the single place that knows how a task is laid out in SQL. */
import { getTableColumns, sql } from 'drizzle-orm';
import { describeRecurrence, priorityFromRank, type Due, type Reminder, type Task } from '@todo/domain';
import { tags, taskTags, tasks, reminders } from '../schema.js';

/** A stored task as Node sees it: the full-text `search` vector stays in the database. */
export type TaskRow = Omit<typeof tasks.$inferSelect, 'search'>;
export type NewTaskRow = typeof tasks.$inferInsert;

/**
 * The outer query's task id, fully qualified: drizzle renders `${tasks.id}` unqualified in a
 * single-table query, which inside a correlated subquery would bind to the inner tables.
 */
export const OUTER_TASK_ID = sql.raw('"tasks"."id"');

/** Tag names and reminders come back in the same round trip as the task. */
export const tagNamesColumn = sql<string[]>`coalesce((
  select array_agg(g.name order by lower(g.name) collate "C") from ${taskTags} tt
  join ${tags} g on g.id = tt.tag_id where tt.task_id = ${OUTER_TASK_ID}), '{}')`;

export interface ReminderJson {
  id: string;
  kind: 'relative' | 'absolute';
  minutesBefore: number | null;
  at: string | null;
  snoozedUntil?: string | null;
}
export const remindersColumn = sql<ReminderJson[]>`coalesce((
  select json_agg(json_build_object('id', r.id, 'kind', r.kind, 'minutesBefore', r.minutes_before, 'at', r.at, 'snoozedUntil', r.snoozed_until)
    order by r.position) from ${reminders} r where r.task_id = ${OUTER_TASK_ID}), '[]'::json)`;

const { search: _search, ...readColumns } = getTableColumns(tasks);
/** Every column but `search`, whose tsvector would otherwise cross the wire with each row. */
export const taskColumns = readColumns;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function dueFromRow(row: Pick<TaskRow, 'dueDate' | 'dueTime' | 'dueZone'>): Due | null {
  if (!row.dueDate) return null;
  if (!row.dueTime) return { date: row.dueDate };
  return { dateTime: `${row.dueDate}T${row.dueTime.slice(0, 8)}`, timeZone: row.dueZone };
}

function reminderFromJson(r: ReminderJson): Reminder {
  const snoozedUntil = r.snoozedUntil ? new Date(r.snoozedUntil).toISOString() : null;
  return r.kind === 'relative'
    ? { id: r.id, type: 'relative', minutesBefore: r.minutesBefore ?? 0, snoozedUntil }
    : { id: r.id, type: 'absolute', at: new Date(r.at ?? 0).toISOString(), snoozedUntil };
}

export function taskFromRow(row: TaskRow, tagNames: readonly string[], reminderList: readonly ReminderJson[]): Task {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    description: row.description,
    priority: priorityFromRank(row.priority),
    status: row.completedAt ? 'completed' : 'open',
    completedAt: iso(row.completedAt),
    due: dueFromRow(row),
    dueAt: iso(row.dueAt),
    recurrence:
      row.recurrenceRule && row.repeatFrom
        ? { rule: row.recurrenceRule, repeatFrom: row.repeatFrom, text: describeRecurrence(row.recurrenceRule) }
        : null,
    reminders: reminderList.map(reminderFromJson),
    categoryId: row.categoryId,
    tags: [...tagNames],
    parentId: row.parentId,
    seriesId: row.seriesId,
    occurrenceIndex: row.occurrenceIndex,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
