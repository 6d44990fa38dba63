/**
 * A new task, its tags, its reminders and its outbox events written by one statement. A single
 * statement is atomic on its own, so the create needs no BEGIN/COMMIT and costs one round trip
 * instead of six — the create path's cost is mostly round trips (docs/benchmarks.md).
 *
 * Tags: existing ones are looked up by name; missing ones are inserted. If another writer
 * creates the same tag between our lookup and our insert, `on conflict … do update` waits for it
 * and hands back its row (a `do nothing` would silently lose the tag), and the row lock lasts
 * only this statement.
 */
import { sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../client.js';
import { executeNamed } from '../named-statement.js';
import type { TaskRow } from './task.mapper.js';

export interface NewTaskWrite {
  /** `number: null` allocates the owner's next `#N` inside the same statement. */
  row: Omit<TaskRow, 'number'> & { number: number | null };
  /** Distinct (case-insensitively) tag names, each with the id it gets if it is new. */
  tags: { id: string; name: string }[];
  reminders: { id: string; kind: 'relative' | 'absolute'; minutesBefore: number | null; at: Date | null }[];
  /** Outbox rows; a `data.task.tags` in an event is replaced by the stored tag names. */
  events: { topic: string; event: CloudEvent }[];
  /** For a next occurrence: the completed occurrence it follows, recorded as handled by the same statement. */
  follows?: string;
  /**
   * A client's idempotency key, stored with the task by the same statement; a key already
   * taken fails the whole statement (`isIdempotencyKeyTaken`), so nothing is written twice.
   */
  idempotency?: { key: string; fingerprint: string };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Returns the task's number and its tag names as stored (existing tags keep their spelling),
 * sorted as reads sort them.
 */
export async function insertTaskWithEvents(db: Db, write: NewTaskWrite): Promise<{ number: number; tags: string[] }> {
  const { row } = write;
  const now = row.createdAt.toISOString();
  const reminders = JSON.stringify(
    write.reminders.map((r, position) => ({ id: r.id, kind: r.kind, minutes_before: r.minutesBefore, at: iso(r.at), position })),
  );
  const events = JSON.stringify(write.events);
  const { key = null, fingerprint = null } = write.idempotency ?? {};
  const result = await executeNamed<{ tags: string[] | string; number: number }>(
    db,
    'todo_insert_task_with_events',
    sql`
    with numbered as (
      update users set task_seq = task_seq + 1
      where id = ${row.userId}::uuid and ${row.number}::int is null
      returning task_seq as number),
    wanted as (
      select * from jsonb_to_recordset(${JSON.stringify(write.tags)}::jsonb) as w(id uuid, name text)),
    existing as (
      select g.id, g.name from tags g
      where g.user_id = ${row.userId}::uuid and lower(g.name) in (select lower(w.name) from wanted w)),
    created as (
      insert into tags (id, user_id, name, created_at, updated_at)
      select w.id, ${row.userId}::uuid, w.name, ${now}::timestamptz, ${now}::timestamptz from wanted w
      where lower(w.name) not in (select lower(e.name) from existing e)
      on conflict (user_id, lower(name)) do update set updated_at = tags.updated_at
      returning id, name),
    chosen as (select id, name from existing union all select id, name from created),
    task as (
      insert into tasks (id, user_id, number, title, description, priority, completed_at, due_date, due_time,
        due_zone, due_at, recurrence_rule, repeat_from, series_id, series_start, occurrence_index, category_id,
        parent_id, created_at, updated_at)
      values (${row.id}::uuid, ${row.userId}::uuid, coalesce(${row.number}::int, (select number from numbered)), ${row.title}, ${row.description}, ${row.priority},
        ${iso(row.completedAt)}::timestamptz, ${row.dueDate}::date, ${row.dueTime}::time, ${row.dueZone},
        ${iso(row.dueAt)}::timestamptz, ${row.recurrenceRule}, ${row.repeatFrom}, ${row.seriesId}::uuid,
        ${row.seriesStart}, ${row.occurrenceIndex}::int, ${row.categoryId}::uuid, ${row.parentId}::uuid,
        ${now}::timestamptz, ${iso(row.updatedAt)}::timestamptz)
      returning id, number),
    linked as (insert into task_tags (task_id, tag_id) select t.id, c.id from task t cross join chosen c),
    reminded as (
      insert into reminders (id, task_id, kind, minutes_before, at, position)
      select r.id, t.id, r.kind, r.minutes_before, r.at, r.position
      from jsonb_to_recordset(${reminders}::jsonb) as r(id uuid, kind text, minutes_before int, at timestamptz, position smallint)
      cross join task t),
    names as (select coalesce(jsonb_agg(c.name order by lower(c.name) collate "C"), '[]'::jsonb) as tags from chosen c),
    emitted as (
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
        case when x.item->'event'->'data'->'task' is null then x.item->'event'
          else jsonb_set(jsonb_set(x.item->'event', '{data,task,tags}', n.tags), '{data,task,number}', to_jsonb(t.number)) end,
        ${now}::timestamptz, ${now}::timestamptz
      from jsonb_array_elements(${events}::jsonb) with ordinality as x(item, ord)
      cross join names n cross join task t
      order by x.ord),
    handled as (
      insert into recurrence_handled (task_id, handled_at)
      select ${write.follows ?? null}::uuid, ${now}::timestamptz where ${write.follows ?? null}::uuid is not null
      on conflict do nothing),
    keyed as (
      insert into idempotency_keys (user_id, key, fingerprint, task_id, created_at)
      select ${row.userId}::uuid, ${key}::text, ${fingerprint}::text, ${row.id}::uuid, ${now}::timestamptz
      where ${key}::text is not null)
    select n.tags, t.number from names n cross join task t`,
  );
  const stored = result.rows[0];
  if (!stored) throw new Error(`task ${row.id} was not written`);
  const tags = typeof stored.tags === 'string' ? (JSON.parse(stored.tags) as string[]) : stored.tags;
  return { number: stored.number, tags };
}

/**
 * Completes or reopens a task and stores its events in one statement, if the task is still as
 * the caller read it (`updated_at` unchanged, and not yet in the new state): optimistic, so no
 * transaction holds the row between the read and the write. Returns false when the task
 * changed or vanished meanwhile.
 */
export async function setCompletedWithEvents(
  db: Db,
  change: { userId: string; id: string; readUpdatedAt: Date; completedAt: Date | null; updatedAt: Date },
  events: readonly { topic: string; event: CloudEvent }[],
): Promise<boolean> {
  const now = change.updatedAt.toISOString();
  const result = await executeNamed<{ changed: number }>(
    db,
    'todo_set_completed_with_events',
    sql`
    with changed as (
      update tasks set completed_at = ${iso(change.completedAt)}::timestamptz, updated_at = ${now}::timestamptz
      where user_id = ${change.userId}::uuid and id = ${change.id}::uuid
        and date_trunc('milliseconds', updated_at) = ${change.readUpdatedAt.toISOString()}::timestamptz
        and (completed_at is null) = ${change.completedAt !== null}
      returning id),
    emitted as (
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
        x.item->'event', ${now}::timestamptz, ${now}::timestamptz
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as x(item, ord)
      where exists (select 1 from changed)
      order by x.ord)
    select count(*)::int as changed from changed`,
  );
  return Number(result.rows[0]?.changed ?? 0) > 0;
}
