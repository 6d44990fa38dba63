/**
 * The one way tasks are written. Every change to a task — create, edit, snooze, completion,
 * reopening, delete, a next occurrence with its copied subtasks — is a list of `TaskWrite`s
 * that this module turns into ONE statement: the task rows, their tags (found or created by
 * name), their reminders, their outbox events and the ledgers (idempotency key, handled
 * completion). A single statement is atomic on its own, so a write needs no BEGIN/COMMIT and
 * costs one round trip; writes of different callers arriving together share one
 * (task-write.batcher.ts).
 *
 * Changes are optimistic: an update or delete carries the `updated_at` its caller read and is
 * skipped — with everything that belongs to it — when the task changed or vanished meanwhile;
 * the caller reads again and retries. A constraint violation fails the whole statement.
 *
 * Numbers: owners' rows are locked in id order before their `#N` counters move, so two
 * statements with overlapping owners queue instead of deadlocking. New subtasks may reference
 * a parent inserted by the same statement: foreign keys are checked at its end.
 *
 * Tags: existing ones are looked up by name; missing ones are inserted once per owner and name,
 * however many writes carry them. If another writer creates the same tag between our lookup and
 * our insert, `on conflict … do update` waits for it and hands back its row (a `do nothing`
 * would silently lose the tag), and the row lock lasts only this statement.
 *
 * Replacing a task's tags or reminders touches only what changes: the links and reminders not
 * in the new list are deleted, the rest upserted (a reminder keeps its id). The two never touch
 * the same row, which one statement must not do twice.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../db.js';
import { executeRendered, renderStatement, type RenderedStatement } from '../named-statement.js';
import type { TaskRow } from './task.mapper.js';

export interface ReminderWrite {
  id: string;
  kind: 'relative' | 'absolute';
  minutesBefore: number | null;
  at: Date | null;
  snoozedUntil?: Date | null;
}

/** A tag by name, with the id it gets if the owner has no tag of that name (compared case-insensitively). */
export interface TagWrite {
  id: string;
  name: string;
}

/** Outbox rows; a `data.task` of the written task in an event gets the stored number and tag names. */
type Events = { topic: string; event: CloudEvent }[];

export type TaskWrite =
  | {
      op: 'insert';
      /** `number: null` allocates the owner's next `#N` inside the same statement. */
      row: Omit<TaskRow, 'number'> & { number: number | null };
      tags: TagWrite[];
      reminders: ReminderWrite[];
      events: Events;
      /** For a next occurrence: the completed occurrence it follows, recorded as handled. */
      follows?: string;
      /** A client's idempotency key; a key already taken fails the statement (`isIdempotencyKeyTaken`). */
      idempotency?: { key: string; fingerprint: string };
    }
  | {
      op: 'update';
      /** The task as it is to be stored (every column is written). */
      row: TaskRow;
      /** The `updatedAt` read before deciding on the change. */
      readUpdatedAt: Date;
      /** The new tag list and reminder list; absent: unchanged. */
      tags?: TagWrite[];
      reminders?: ReminderWrite[];
      events: Events;
    }
  | { op: 'delete'; userId: string; id: string; readUpdatedAt: Date; at: Date; events: Events };

/**
 * What was stored: the task's number and, where the write set them, its tag names as stored
 * (existing tags keep their spelling, sorted as reads sort them). Null for an update or delete
 * skipped because the task changed or vanished since it was read.
 */
export type StoredTaskWrite = { number: number; tags: string[] | null } | null;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

const reminderItems = (list: readonly ReminderWrite[] | undefined) =>
  list?.map((r, position) => ({
    id: r.id,
    kind: r.kind,
    minutes_before: r.minutesBefore,
    at: iso(r.at),
    snoozed_until: iso(r.snoozedUntil),
    position,
  })) ?? null;

/** One write as a JSON object whose keys are the statement's record columns. */
function item(write: TaskWrite, ord: number) {
  if (write.op === 'delete') {
    const { id, userId, readUpdatedAt, at, events } = write;
    return { ord, op: 'delete', id, user_id: userId, read_updated_at: iso(readUpdatedAt), at: iso(at), events };
  }
  const { row } = write;
  return {
    ord,
    op: write.op,
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
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    at: iso(write.op === 'insert' ? row.createdAt : row.updatedAt),
    read_updated_at: write.op === 'update' ? iso(write.readUpdatedAt) : null,
    tags: write.tags ?? null,
    reminders: reminderItems(write.reminders),
    events: write.events,
    follows: (write.op === 'insert' && write.follows) || null,
    key: (write.op === 'insert' && write.idempotency?.key) || null,
    fingerprint: (write.op === 'insert' && write.idempotency?.fingerprint) || null,
  };
}

type WrittenRow = { ord: number; number: number | null; tags: string[] | string | null };

/** Writes all of `writes` (but the skipped ones) or none of them; results are in the order of `writes`. */
export async function writeTasks(db: Db, writes: readonly TaskWrite[]): Promise<StoredTaskWrite[]> {
  const values = { items: JSON.stringify(writes.map(item)) };
  const { rows } = await executeRendered<WrittenRow>(db, statementFor(writes), values);
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return writes.map((_, ord) => {
    const stored = byOrd.get(ord);
    if (!stored || stored.number === null) return null;
    const tags = typeof stored.tags === 'string' ? (JSON.parse(stored.tags) as string[]) : stored.tags;
    return { number: Number(stored.number), tags };
  });
}

interface Needs {
  insert: boolean;
  update: boolean;
  delete: boolean;
  tags: boolean;
  reminders: boolean;
  follows: boolean;
  idempotency: boolean;
}

const needsOf = (writes: readonly TaskWrite[]): Needs => ({
  insert: writes.some((w) => w.op === 'insert'),
  update: writes.some((w) => w.op === 'update'),
  delete: writes.some((w) => w.op === 'delete'),
  // An update that replaces its tags with none still needs the parts that unlink the old ones.
  tags: writes.some((w) => w.op !== 'delete' && w.tags && (w.tags.length > 0 || w.op === 'update')),
  reminders: writes.some((w) => w.op !== 'delete' && w.reminders && (w.reminders.length > 0 || w.op === 'update')),
  follows: writes.some((w) => w.op === 'insert' && w.follows),
  idempotency: writes.some((w) => w.op === 'insert' && w.idempotency),
});

/** The statement for this batch's shape, rendered once per shape (each prepared once per connection). */
const shapes = new Map<number, RenderedStatement>();
function statementFor(writes: readonly TaskWrite[]): RenderedStatement {
  const needs = needsOf(writes);
  const key = Object.values(needs).reduce((bits, need, i) => bits | (need ? 1 << i : 0), 0);
  let statement = shapes.get(key);
  if (!statement) {
    const query = sql`with ${sql.join(parts(needs), sql`,\n`)}
    select i.ord, s.number, n.tags from items i left join stored s on s.ord = i.ord left join names n on n.ord = i.ord`;
    statement = renderStatement(`todo_write_tasks_${key}`, query);
    shapes.set(key, statement);
  }
  return statement;
}

const TASK_FIELDS = [
  'title',
  'description',
  'priority',
  'completed_at',
  'due_date',
  'due_time',
  'due_zone',
  'due_at',
  'recurrence_rule',
  'repeat_from',
  'series_id',
  'series_start',
  'occurrence_index',
  'category_id',
  'parent_id',
  'updated_at',
];

/** `updated_at` as the caller read it: values cross the wire in milliseconds. */
const unchanged = sql.raw(`date_trunc('milliseconds', t.updated_at) = r.read_updated_at`);

/**
 * The statement's parts, only those this batch needs: a part that writes a table costs its
 * setup (the table, its indexes and triggers) even when it writes nothing. The items, as JSON,
 * are the one parameter.
 */
function parts(needs: Needs): SQL[] {
  const written = [
    ...(needs.insert ? [sql`select i.ord, x.id, x.number from inserted x join items i on i.id = x.id and i.op = 'insert'`] : []),
    ...(needs.update ? [sql`select ord, id, number from updated`] : []),
    ...(needs.delete ? [sql`select ord, id, number from deleted`] : []),
  ];
  return [
    sql`items as (
      select * from jsonb_to_recordset(${sql.placeholder('items')}::jsonb) as i(ord int, op text, id uuid, user_id uuid,
        number int, title text, description text, priority int, completed_at timestamptz, due_date date, due_time time,
        due_zone text, due_at timestamptz, recurrence_rule text, repeat_from text, series_id uuid, series_start text,
        occurrence_index int, category_id uuid, parent_id uuid, created_at timestamptz, updated_at timestamptz,
        at timestamptz, read_updated_at timestamptz, tags jsonb, reminders jsonb, events jsonb, follows uuid, key text,
        fingerprint text))`,
    ...(needs.insert ? numberParts : []),
    ...(needs.insert
      ? [
          sql`inserted as (
            insert into tasks (id, user_id, number, created_at, ${sql.raw(TASK_FIELDS.join(', '))})
            select r.id, r.user_id, r.allocated, r.created_at, ${sql.raw(TASK_FIELDS.map((f) => `r.${f}`).join(', '))}
            from rows r where r.op = 'insert' order by r.ord
            returning id, number)`,
        ]
      : []),
    ...(needs.update
      ? [
          sql`updated as (
            update tasks t set ${sql.raw(TASK_FIELDS.map((f) => `${f} = r.${f}`).join(', '))}
            from items r where r.op = 'update' and t.id = r.id and t.user_id = r.user_id and ${unchanged}
            returning r.ord, t.id, t.number)`,
        ]
      : []),
    ...(needs.delete
      ? [
          sql`deleted as (
            delete from tasks t using items r where r.op = 'delete' and t.id = r.id and t.user_id = r.user_id and ${unchanged}
            returning r.ord, t.id, t.number)`,
        ]
      : []),
    // By `ord`: of two writes to one task in a batch, only the one that changed it counts as written.
    sql`stored as (${sql.join(written, sql` union all `)})`,
    ...(needs.tags
      ? tagParts(needs.update)
      : [sql`names as (select i.ord, case when i.tags is null then null else '[]'::jsonb end as tags from items i)`]),
    ...(needs.reminders ? reminderParts(needs.update) : []),
    sql`emitted as (
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (e.item->'event'->>'id')::uuid, e.item->>'topic', e.item->'event'->>'type', e.item->'event'->>'partitionkey',
        case when n.tags is null or e.item->'event'->'data'->'task'->>'id' is distinct from i.id::text then e.item->'event'
          else jsonb_set(jsonb_set(e.item->'event', '{data,task,tags}', n.tags), '{data,task,number}', to_jsonb(s.number)) end,
        i.at, i.at
      from items i join stored s on s.ord = i.ord join names n on n.ord = i.ord
      cross join lateral jsonb_array_elements(i.events) with ordinality as e(item, position)
      order by i.ord, e.position)`,
    ...(needs.follows
      ? [
          sql`handled as (
            insert into recurrence_handled (task_id, handled_at)
            select i.follows, i.at from items i join stored s on s.ord = i.ord where i.follows is not null
            on conflict do nothing)`,
        ]
      : []),
    ...(needs.idempotency
      ? [
          sql`keyed as (
            insert into idempotency_keys (user_id, key, fingerprint, task_id, created_at)
            select i.user_id, i.key, i.fingerprint, i.id, i.at from items i where i.key is not null)`,
        ]
      : []),
  ];
}

/** New tasks' numbers: each owner's counter moves once per statement, by the number of its new tasks. */
const numberParts = [
  sql`counts as (select user_id, count(*)::int as n from items where op = 'insert' and number is null group by user_id)`,
  sql`locked as (select u.id from users u where u.id in (select user_id from counts) order by u.id for no key update)`,
  sql`numbered as (
    update users u set task_seq = u.task_seq + c.n from counts c
    where u.id = c.user_id and u.id in (select id from locked)
    returning u.id as user_id, u.task_seq - c.n as base)`,
  sql`rows as (
    select i.*, coalesce(i.number, n.base + (row_number() over (partition by i.user_id, i.number is null order by i.ord))::int) as allocated
    from items i left join numbered n on n.user_id = i.user_id and i.number is null where i.op = 'insert')`,
];

/** Tags of the written tasks: found or created by name (see the file's comment), linked, and old links removed. */
const tagParts = (updates: boolean) => [
  sql`wanted as (
    select i.ord, i.user_id, i.at, w.id, w.name
    from items i join stored s on s.ord = i.ord cross join lateral jsonb_to_recordset(i.tags) as w(id uuid, name text))`,
  sql`existing as (
    select distinct g.user_id, g.id, g.name from tags g
    join wanted w on g.user_id = w.user_id and lower(g.name) = lower(w.name))`,
  sql`created as (
    insert into tags (id, user_id, name, created_at, updated_at)
    select distinct on (w.user_id, lower(w.name)) w.id, w.user_id, w.name, w.at, w.at from wanted w
    where not exists (select 1 from existing e where e.user_id = w.user_id and lower(e.name) = lower(w.name))
    order by w.user_id, lower(w.name), w.ord
    on conflict (user_id, lower(name)) do update set updated_at = tags.updated_at
    returning user_id, id, name)`,
  sql`chosen as (select user_id, id, name from existing union all select user_id, id, name from created)`,
  sql`item_tags as (
    select w.ord, c.id, c.name from wanted w join chosen c on c.user_id = w.user_id and lower(c.name) = lower(w.name))`,
  sql`linked as (
    insert into task_tags (task_id, tag_id) select s.id, x.id from item_tags x join stored s on s.ord = x.ord
    ${updates ? sql`on conflict do nothing` : sql``})`,
  ...(updates
    ? [
        sql`unlinked as (
          delete from task_tags tt using items i join stored s on s.ord = i.ord
          where i.op = 'update' and i.tags is not null and tt.task_id = i.id
            and tt.tag_id not in (select x.id from item_tags x where x.ord = i.ord))`,
      ]
    : []),
  sql`names as (
    select i.ord, case when i.tags is null then null else coalesce((
      select jsonb_agg(x.name order by lower(x.name) collate "C") from item_tags x where x.ord = i.ord), '[]'::jsonb) end as tags
    from items i)`,
];

/** Reminders of the written tasks: inserted, or (an update's list) upserted by id, and the ones left out removed. */
const reminderParts = (updates: boolean) => [
  sql`reminded as (
    insert into reminders (id, task_id, kind, minutes_before, at, snoozed_until, position)
    select r.id, s.id, r.kind, r.minutes_before, r.at, r.snoozed_until, r.position
    from items i join stored s on s.ord = i.ord
    cross join lateral jsonb_to_recordset(i.reminders)
      as r(id uuid, kind text, minutes_before int, at timestamptz, snoozed_until timestamptz, position smallint)
    ${
      updates
        ? sql`on conflict (id) do update set kind = excluded.kind, minutes_before = excluded.minutes_before, at = excluded.at,
            snoozed_until = excluded.snoozed_until, position = excluded.position where reminders.task_id = excluded.task_id`
        : sql``
    })`,
  ...(updates
    ? [
        sql`unreminded as (
          delete from reminders rm using items i join stored s on s.ord = i.ord
          where i.op = 'update' and i.reminders is not null and rm.task_id = i.id
            and rm.id not in (select (x->>'id')::uuid from jsonb_array_elements(i.reminders) as x))`,
      ]
    : []),
];
