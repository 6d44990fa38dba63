/** Row ↔ wire shape for tasks: the single place that knows how a task is laid out in SQL. */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { PRIORITIES, describeRecurrence, priorityFromRank, type Due, type Reminder, type Task } from '@todo/domain';
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
    projectId: row.projectId,
    projectNumber: row.projectNumber,
    tags: [...tagNames],
    parentId: row.parentId,
    assigneeId: row.assigneeId,
    seriesId: row.seriesId,
    occurrenceIndex: row.occurrenceIndex,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `toISOString()` in SQL: UTC, milliseconds, `Z`. */
const isoSql = (value: SQL) => sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const col = (name: string) => sql.raw(`"tasks"."${name}"`);
const priorityNames = `array[${PRIORITIES.map((p) => `'${p}'`).join(', ')}]`;

/**
 * The task's wire shape as a select list of the database's own making — what `taskFromRow`
 * builds in Node — for reads that return many tasks: `to_json` of these fields, in this order,
 * is the task's JSON (a list then costs no row mapping and no serialisation in Node, and
 * `to_json` of a row costs the database about a fifth less than `json_build_object` of the
 * same pairs). Reads `"tasks".<column>`. `recurrence.text` is left null for
 * `withRecurrenceText` (its wording lives in the domain). `repository.contract.ts` holds the two
 * builders equal.
 */
export const taskWireFields = sql`${col('id')} as "id", ${col('number')} as "number", ${col('title')} as "title",
  ${col('description')} as "description",
  (${sql.raw(priorityNames)})[${col('priority')} + 1] as "priority",
  case when ${col('completed_at')} is null then 'open' else 'completed' end as "status",
  ${isoSql(col('completed_at'))} as "completedAt",
  case when ${col('due_date')} is null then null
    when ${col('due_time')} is null then json_build_object('date', to_char(${col('due_date')}, 'YYYY-MM-DD'))
    else json_build_object('dateTime', to_char(${col('due_date')}, 'YYYY-MM-DD') || 'T' || to_char(${col('due_time')}, 'HH24:MI:SS'),
      'timeZone', ${col('due_zone')}) end as "due",
  ${isoSql(col('due_at'))} as "dueAt",
  case when ${col('recurrence_rule')} is not null and ${col('repeat_from')} is not null
    then json_build_object('rule', ${col('recurrence_rule')}, 'repeatFrom', ${col('repeat_from')}, 'text', null) end as "recurrence",
  coalesce((
    select json_agg(case when r.kind = 'relative'
      then json_build_object('id', r.id, 'type', 'relative', 'minutesBefore', coalesce(r.minutes_before, 0),
        'snoozedUntil', ${isoSql(sql`r.snoozed_until`)})
      else json_build_object('id', r.id, 'type', 'absolute', 'at', ${isoSql(sql`r.at`)},
        'snoozedUntil', ${isoSql(sql`r.snoozed_until`)}) end order by r.position)
    from ${reminders} r where r.task_id = ${OUTER_TASK_ID}), '[]'::json) as "reminders",
  ${col('project_id')} as "projectId", ${col('project_number')} as "projectNumber",
  coalesce((
    select json_agg(g.name order by lower(g.name) collate "C") from ${taskTags} tt
    join ${tags} g on g.id = tt.tag_id where tt.task_id = ${OUTER_TASK_ID}), '[]'::json) as "tags",
  ${col('parent_id')} as "parentId", ${col('assignee_id')} as "assigneeId", ${col('series_id')} as "seriesId", ${col('occurrence_index')} as "occurrenceIndex",
  ${isoSql(col('created_at'))} as "createdAt", ${isoSql(col('updated_at'))} as "updatedAt"`;

/** Fills in `recurrence.text` of a task's JSON from `taskWireFields`; the common, non-recurring task passes through as is. */
export function withRecurrenceText(json: string, rule: string | null): string {
  if (!rule) return json;
  const task = JSON.parse(json) as Task;
  if (task.recurrence) task.recurrence.text = describeRecurrence(rule);
  return JSON.stringify(task);
}
