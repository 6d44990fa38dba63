/**
 * New tasks, their tags, reminders and outbox events — any number of them, for any owners —
 * written by one statement. A single statement is atomic on its own, so a create needs no
 * BEGIN/COMMIT, and creates arriving together share one round trip, one plan and one update of
 * each owner's `#N` counter (task-insert.batcher.ts).
 *
 * Numbers: owners' rows are locked in id order before their counters move, so two statements
 * with overlapping owners queue instead of deadlocking.
 *
 * Tags: existing ones are looked up by name; missing ones are inserted once per owner and name,
 * however many of the new tasks carry them. If another writer creates the same tag between our
 * lookup and our insert, `on conflict … do update` waits for it and hands back its row (a
 * `do nothing` would silently lose the tag), and the row lock lasts only this statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../db.js';
import { executeRendered, renderStatement, type RenderedStatement } from '../named-statement.js';
import { StatementPipeline } from '../statement-pipeline.js';
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

/** The task's number and its tag names as stored (existing tags keep their spelling), sorted as reads sort them. */
export interface StoredTaskWrite {
  number: number;
  tags: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One write as a JSON object whose keys are the statement's record columns. */
function item(write: NewTaskWrite, ord: number) {
  const { row } = write;
  return {
    ord,
    id: row.id,
    user_id: row.userId,
    number: row.number,
    title: row.title,
    description: row.description,
    priority: row.priority,
    completed_at: iso(row.completedAt),
    due_date: row.dueDate,
    due_time: row.dueTime,
    due_zone: row.dueZone,
    due_at: iso(row.dueAt),
    recurrence_rule: row.recurrenceRule,
    repeat_from: row.repeatFrom,
    series_id: row.seriesId,
    series_start: row.seriesStart,
    occurrence_index: row.occurrenceIndex,
    category_id: row.categoryId,
    parent_id: row.parentId,
    created_at: row.createdAt.toISOString(),
    updated_at: iso(row.updatedAt),
    tags: write.tags,
    reminders: write.reminders.map((r, position) => ({
      id: r.id,
      kind: r.kind,
      minutes_before: r.minutesBefore,
      at: iso(r.at),
      position,
    })),
    events: write.events,
    follows: write.follows ?? null,
    key: write.idempotency?.key ?? null,
    fingerprint: write.idempotency?.fingerprint ?? null,
  };
}

type InsertedRow = { ord: number; number: number; tags: string[] | string };

/**
 * Writes all of `writes` or none of them; results are in the order of `writes`. On `db`, or
 * on a pipelined connection (never inside a transaction: the statement is its own).
 */
export async function insertTasksWithEvents(
  on: Db | StatementPipeline,
  writes: readonly NewTaskWrite[],
): Promise<StoredTaskWrite[]> {
  const statement = statementFor(writes);
  const values = { items: JSON.stringify(writes.map(item)) };
  const result =
    on instanceof StatementPipeline
      ? await on.execute<InsertedRow>(statement, values)
      : await executeRendered<InsertedRow>(on, statement, values);
  const byOrd = new Map(result.rows.map((r) => [Number(r.ord), r]));
  return writes.map((write, ord) => {
    const stored = byOrd.get(ord);
    if (!stored) throw new Error(`task ${write.row.id} was not written`);
    const tags = typeof stored.tags === 'string' ? (JSON.parse(stored.tags) as string[]) : stored.tags;
    return { number: Number(stored.number), tags };
  });
}

/** The statement for this batch's shape, rendered once per shape. */
const shapes = new Map<number, RenderedStatement>();
function statementFor(writes: readonly NewTaskWrite[]): RenderedStatement {
  const needs = needsOf(writes);
  const key = (needs.tags ? 1 : 0) | (needs.reminders ? 2 : 0) | (needs.follows ? 4 : 0) | (needs.idempotency ? 8 : 0);
  let statement = shapes.get(key);
  if (!statement) {
    const query = sql`with ${sql.join(parts(needs), sql`,\n`)}
    select s.ord, s.number, n.tags from stored s join names n on n.ord = s.ord`;
    statement = renderStatement(`todo_insert_tasks_${key}`, query);
    shapes.set(key, statement);
  }
  return statement;
}

interface Needs {
  tags: boolean;
  reminders: boolean;
  follows: boolean;
  idempotency: boolean;
}

const needsOf = (writes: readonly NewTaskWrite[]): Needs => ({
  tags: writes.some((w) => w.tags.length > 0),
  reminders: writes.some((w) => w.reminders.length > 0),
  follows: writes.some((w) => w.follows),
  idempotency: writes.some((w) => w.idempotency),
});

/**
 * The statement's parts, only those this batch needs: a part that writes a table costs its
 * setup (the table, its indexes and triggers) even when it writes nothing. At most sixteen
 * shapes, each prepared once per connection. The items, as JSON, are the one parameter.
 */
function parts(needs: Needs): SQL[] {
  const tagged = needs.tags;
  return [
    sql`items as (
      select * from jsonb_to_recordset(${sql.placeholder('items')}::jsonb) as i(ord int, id uuid, user_id uuid, number int, title text,
        description text, priority int, completed_at timestamptz, due_date date, due_time time, due_zone text,
        due_at timestamptz, recurrence_rule text, repeat_from text, series_id uuid, series_start text,
        occurrence_index int, category_id uuid, parent_id uuid, created_at timestamptz, updated_at timestamptz,
        tags jsonb, reminders jsonb, events jsonb, follows uuid, key text, fingerprint text))`,
    sql`counts as (select user_id, count(*)::int as n from items where number is null group by user_id)`,
    sql`locked as (select u.id from users u where u.id in (select user_id from counts) order by u.id for no key update)`,
    sql`numbered as (
      update users u set task_seq = u.task_seq + c.n from counts c
      where u.id = c.user_id and u.id in (select id from locked)
      returning u.id as user_id, u.task_seq - c.n as base)`,
    sql`rows as (
      select i.*, coalesce(i.number, n.base + (row_number() over (partition by i.user_id, i.number is null order by i.ord))::int) as allocated
      from items i left join numbered n on n.user_id = i.user_id and i.number is null)`,
    ...(tagged ? tagParts : []),
    sql`task as (
      insert into tasks (id, user_id, number, title, description, priority, completed_at, due_date, due_time,
        due_zone, due_at, recurrence_rule, repeat_from, series_id, series_start, occurrence_index, category_id,
        parent_id, created_at, updated_at)
      select r.id, r.user_id, r.allocated, r.title, r.description, r.priority, r.completed_at, r.due_date, r.due_time,
        r.due_zone, r.due_at, r.recurrence_rule, r.repeat_from, r.series_id, r.series_start, r.occurrence_index,
        r.category_id, r.parent_id, r.created_at, r.updated_at
      from rows r order by r.ord
      returning id, number)`,
    sql`stored as (select i.ord, i.id, t.number from items i join task t on t.id = i.id)`,
    ...(tagged
      ? [
          sql`linked as (insert into task_tags (task_id, tag_id) select s.id, x.id from item_tags x join stored s on s.ord = x.ord)`,
          sql`names as (
            select i.ord, coalesce((select jsonb_agg(x.name order by lower(x.name) collate "C") from item_tags x where x.ord = i.ord), '[]'::jsonb) as tags
            from items i)`,
        ]
      : [sql`names as (select i.ord, '[]'::jsonb as tags from items i)`]),
    ...(needs.reminders
      ? [
          sql`reminded as (
            insert into reminders (id, task_id, kind, minutes_before, at, position)
            select r.id, s.id, r.kind, r.minutes_before, r.at, r.position
            from items i join stored s on s.ord = i.ord
            cross join lateral jsonb_to_recordset(i.reminders) as r(id uuid, kind text, minutes_before int, at timestamptz, position smallint))`,
        ]
      : []),
    sql`emitted as (
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (e.item->'event'->>'id')::uuid, e.item->>'topic', e.item->'event'->>'type', e.item->'event'->>'partitionkey',
        case when e.item->'event'->'data'->'task' is null then e.item->'event'
          else jsonb_set(jsonb_set(e.item->'event', '{data,task,tags}', n.tags), '{data,task,number}', to_jsonb(s.number)) end,
        i.created_at, i.created_at
      from items i join names n on n.ord = i.ord join stored s on s.ord = i.ord
      cross join lateral jsonb_array_elements(i.events) with ordinality as e(item, position)
      order by i.ord, e.position)`,
    ...(needs.follows
      ? [
          sql`handled as (
            insert into recurrence_handled (task_id, handled_at)
            select i.follows, i.created_at from items i where i.follows is not null
            on conflict do nothing)`,
        ]
      : []),
    ...(needs.idempotency
      ? [
          sql`keyed as (
            insert into idempotency_keys (user_id, key, fingerprint, task_id, created_at)
            select i.user_id, i.key, i.fingerprint, i.id, i.created_at from items i where i.key is not null)`,
        ]
      : []),
  ];
}

/** Existing tags looked up by name; missing ones inserted once per owner and name (see the file's comment). */
const tagParts = [
  sql`wanted as (
    select i.ord, i.user_id, i.created_at, w.id, w.name
    from items i cross join lateral jsonb_to_recordset(i.tags) as w(id uuid, name text))`,
  sql`existing as (
    select distinct g.user_id, g.id, g.name from tags g
    join wanted w on g.user_id = w.user_id and lower(g.name) = lower(w.name))`,
  sql`created as (
    insert into tags (id, user_id, name, created_at, updated_at)
    select distinct on (w.user_id, lower(w.name)) w.id, w.user_id, w.name, w.created_at, w.created_at from wanted w
    where not exists (select 1 from existing e where e.user_id = w.user_id and lower(e.name) = lower(w.name))
    order by w.user_id, lower(w.name), w.ord
    on conflict (user_id, lower(name)) do update set updated_at = tags.updated_at
    returning user_id, id, name)`,
  sql`chosen as (select user_id, id, name from existing union all select user_id, id, name from created)`,
  sql`item_tags as (
    select w.ord, c.id, c.name from wanted w join chosen c on c.user_id = w.user_id and lower(c.name) = lower(w.name))`,
];
