/**
 * The one way tasks are written. Every change to a task — create, edit, snooze, completion,
 * reopening, delete, restore, a next occurrence with its copied subtasks — is a list of
 * `TaskWrite`s that this module turns into ONE statement: the task rows, their tags (found or
 * created by name), their reminders, their outbox events, the ledgers (idempotency key, import
 * key, handled completion) and the trash a delete leaves for its undo. A single statement is atomic on its own, so a write needs no BEGIN/COMMIT and
 * costs one round trip; writes of different callers arriving together share one
 * (task-write.batcher.ts).
 *
 * Changes are optimistic: an update or delete carries the `updated_at` its caller read and is
 * skipped — with everything that belongs to it — when the task changed or vanished meanwhile;
 * the caller reads again and retries. A write to another task that only makes sense with an
 * update (`onlyWith`: the subtasks a completion closes, the next occurrence a reopen removes) is
 * skipped with it. A constraint violation fails the whole statement.
 *
 * A next occurrence is written only while the occurrence it follows is still completed, and
 * writing it moves that occurrence's `updated_at`: a reopen racing it either goes first (and no
 * next occurrence is written) or finds the task changed and decides again, seeing the new one.
 *
 * Numbers: owners' rows are locked in id order before their `#N` counters move, so two
 * statements with overlapping owners queue instead of deadlocking. New subtasks may reference
 * a parent inserted by the same statement: foreign keys are checked at its end.
 *
 * Tags and reminders: task-write.parts.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../db.js';
import { executeRendered, renderStatement, type RenderedStatement } from '../named-statement.js';
import {
  followedPart,
  numberParts,
  projectNumberParts,
  redeliveredParts,
  reminderParts,
  tagParts,
  trashedPart,
} from './task-write.parts.js';
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

/** Outbox rows; a `data.task` of the written task in an event gets the stored numbers, project and tag names. */
type Events = { topic: string; event: CloudEvent }[];

export type TaskWrite =
  | {
      op: 'insert';
      /**
       * `number: null` allocates the creator's next `#N` inside the same statement, and
       * `projectNumber: null` the project's next number.
       */
      row: Omit<TaskRow, 'number' | 'projectNumber'> & { number: number | null; projectNumber: number | null };
      tags: TagWrite[];
      reminders: ReminderWrite[];
      events: Events;
      /**
       * For a next occurrence and its copied subtasks: the completed occurrence they follow. They
       * are written only if it is still completed (else skipped, numbers included), and it is
       * recorded as handled.
       */
      follows?: string;
      /** A restore: the trashed task (`task_trash`) whose entry this write consumes. */
      restores?: string;
      /** A restored task's notifications and reminder emissions, as the trash kept them: its reminders do not fire again. */
      delivery?: unknown;
      /** A client's idempotency key; a key already taken fails the statement (`isIdempotencyKeyTaken`). */
      idempotency?: { key: string; fingerprint: string };
      /** An imported item's key (`import_keys`); a key already taken fails the statement (`isImportKeyTaken`). */
      importKey?: { source: string; externalId: string };
    }
  | {
      op: 'update';
      /** The task as it is to be stored (every column is written); `projectNumber: null` (a move) takes the project's next. */
      row: Omit<TaskRow, 'projectNumber'> & { projectNumber: number | null };
      /** The `updatedAt` read before deciding on the change. */
      readUpdatedAt: Date;
      /**
       * When the change was made (its events' time, new tags'): `row.updatedAt` when absent. They
       * differ when the clock has not passed the version read and `updatedAt` moves on past it.
       */
      at?: Date;
      /** The new tag list and reminder list; absent: unchanged. */
      tags?: TagWrite[];
      reminders?: ReminderWrite[];
      events: Events;
      /** A reopened occurrence: its completion is no longer handled (a new completion is handled anew). */
      reopens?: boolean;
      /** Written only if the update this many places earlier in the list is (it must not be one with `onlyWith`). */
      onlyWith?: number;
    }
  | {
      op: 'delete';
      userId: string;
      id: string;
      readUpdatedAt: Date;
      at: Date;
      events: Events;
      /** Keep what is deleted (with its subtasks, tags and reminders) in `task_trash`, to restore. */
      trash?: boolean;
      /** Written only if the update this many places earlier in the list is. */
      onlyWith?: number;
    };

/**
 * What was stored: the task's number and, where the write set them, its tag names as stored
 * (existing tags keep their spelling, sorted as reads sort them). Null for an update or delete
 * skipped because the task changed or vanished since it was read.
 */
export type StoredTaskWrite = { number: number; projectId: string; projectNumber: number; tags: string[] | null } | null;

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
    const trash = write.trash ?? false;
    const only_with = write.onlyWith ? ord - write.onlyWith : null;
    return { ord, op: 'delete', id, user_id: userId, read_updated_at: iso(readUpdatedAt), at: iso(at), events, trash, only_with };
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
    project_id: row.projectId,
    project_number: row.projectNumber,
    parent_id: row.parentId,
    ical_uid: row.icalUid ?? null,
    ical_name: row.icalName ?? null,
    ical_extras: row.icalExtras ?? null,
    assignee_id: row.assigneeId,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    at: iso(write.op === 'insert' ? row.createdAt : (write.at ?? row.updatedAt)),
    read_updated_at: write.op === 'update' ? iso(write.readUpdatedAt) : null,
    tags: write.tags ?? null,
    reminders: reminderItems(write.reminders),
    events: write.events,
    follows: (write.op === 'insert' && write.follows) || null,
    restores: (write.op === 'insert' && write.restores) || null,
    delivery: (write.op === 'insert' && write.delivery) || null,
    reopens: write.op === 'update' && (write.reopens ?? false),
    only_with: write.op === 'update' && write.onlyWith ? ord - write.onlyWith : null,
    key: (write.op === 'insert' && write.idempotency?.key) || null,
    fingerprint: (write.op === 'insert' && write.idempotency?.fingerprint) || null,
    import_source: (write.op === 'insert' && write.importKey?.source) || null,
    import_id: (write.op === 'insert' && write.importKey?.externalId) || null,
  };
}

type WrittenRow = {
  ord: number;
  number: number | null;
  project_id: string | null;
  project_number: number | null;
  tags: string[] | string | null;
};

/** Writes all of `writes` (but the skipped ones) or none of them; results are in the order of `writes`. */
export async function writeTasks(db: Db, writes: readonly TaskWrite[]): Promise<StoredTaskWrite[]> {
  const values = { items: JSON.stringify(writes.map(item)) };
  const { rows } = await executeRendered<WrittenRow>(db, statementFor(writes), values);
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return writes.map((_, ord) => {
    const stored = byOrd.get(ord);
    if (!stored || stored.number === null) return null;
    const tags = typeof stored.tags === 'string' ? (JSON.parse(stored.tags) as string[]) : stored.tags;
    return { number: Number(stored.number), projectId: stored.project_id!, projectNumber: Number(stored.project_number), tags };
  });
}

interface Needs {
  insert: boolean;
  projectNumbers: boolean;
  update: boolean;
  delete: boolean;
  tags: boolean;
  reminders: boolean;
  follows: boolean;
  idempotency: boolean;
  imported: boolean;
  restores: boolean;
  delivery: boolean;
  reopens: boolean;
  trash: boolean;
  onlyWith: boolean;
}

const needsOf = (writes: readonly TaskWrite[]): Needs => ({
  insert: writes.some((w) => w.op === 'insert'),
  projectNumbers: writes.some((w) => w.op !== 'delete' && w.row.projectNumber === null),
  update: writes.some((w) => w.op === 'update'),
  delete: writes.some((w) => w.op === 'delete'),
  // An update that replaces its tags with none still needs the parts that unlink the old ones.
  tags: writes.some((w) => w.op !== 'delete' && w.tags && (w.tags.length > 0 || w.op === 'update')),
  reminders: writes.some((w) => w.op !== 'delete' && w.reminders && (w.reminders.length > 0 || w.op === 'update')),
  follows: writes.some((w) => w.op === 'insert' && w.follows),
  idempotency: writes.some((w) => w.op === 'insert' && w.idempotency),
  imported: writes.some((w) => w.op === 'insert' && w.importKey),
  restores: writes.some((w) => w.op === 'insert' && w.restores),
  delivery: writes.some((w) => w.op === 'insert' && w.delivery),
  reopens: writes.some((w) => w.op === 'update' && w.reopens),
  trash: writes.some((w) => w.op === 'delete' && w.trash),
  onlyWith: writes.some((w) => w.op !== 'insert' && w.onlyWith),
});

/** The statement for this batch's shape, rendered once per shape (each prepared once per connection). */
const shapes = new Map<number, RenderedStatement>();
function statementFor(writes: readonly TaskWrite[]): RenderedStatement {
  const needs = needsOf(writes);
  const key = Object.values(needs).reduce((bits, need, i) => bits | (need ? 1 << i : 0), 0);
  let statement = shapes.get(key);
  if (!statement) {
    const query = sql`with ${sql.join(parts(needs), sql`,\n`)}
    select i.ord, s.number, s.project_id, s.project_number, n.tags
    from items i left join stored s on s.ord = i.ord left join names n on n.ord = i.ord`;
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
  'parent_id',
  'ical_uid',
  'ical_name',
  'ical_extras',
  'assignee_id',
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
  const projectNumbered = needs.projectNumbers ? sql`left join project_numbers pn on pn.ord = r.ord` : sql``;
  const projectNumber = needs.projectNumbers ? sql`coalesce(r.project_number, pn.allocated)` : sql`r.project_number`;
  const written = [
    ...(needs.insert
      ? [
          sql`select i.ord, x.id, x.number, x.project_id, x.project_number
            from inserted x join items i on i.id = x.id and i.op = 'insert'`,
        ]
      : []),
    ...(needs.update ? [sql`select ord, id, number, project_id, project_number from updated`] : []),
    ...(needs.onlyWith ? [sql`select ord, id, number, project_id, project_number from updated_with`] : []),
    ...(needs.delete ? [sql`select ord, id, number, project_id, project_number from deleted`] : []),
  ];
  return [
    sql`items as (
      select * from jsonb_to_recordset(${sql.placeholder('items')}::jsonb) as i(ord int, op text, id uuid, user_id uuid,
        number int, title text, description text, priority int, completed_at timestamptz, due_date date, due_time time,
        due_zone text, due_at timestamptz, recurrence_rule text, repeat_from text, series_id uuid, series_start text,
        occurrence_index int, project_id uuid, project_number int, parent_id uuid, ical_uid text, ical_name text, ical_extras text,
        assignee_id uuid, created_at timestamptz, updated_at timestamptz,
        at timestamptz, read_updated_at timestamptz, tags jsonb, reminders jsonb, events jsonb, follows uuid, key text,
        fingerprint text, restores uuid, reopens boolean, trash boolean, only_with int, delivery jsonb,
        import_source text, import_id text))`,
    ...(needs.follows ? [followedPart] : []),
    ...(needs.projectNumbers ? projectNumberParts(needs.follows) : []),
    ...(needs.insert ? numberParts(needs.follows) : []),
    ...(needs.insert
      ? [
          sql`inserted as (
            insert into tasks (id, user_id, number, created_at, project_id, project_number, ${sql.raw(TASK_FIELDS.join(', '))})
            select r.id, r.user_id, r.allocated, r.created_at, r.project_id, ${projectNumber},
              ${sql.raw(TASK_FIELDS.map((f) => `r.${f}`).join(', '))}
            from rows r ${projectNumbered} where r.op = 'insert' order by r.ord
            returning id, number, project_id, project_number)`,
        ]
      : []),
    ...(needs.update
      ? [
          sql`updated as (
            update tasks t set project_id = r.project_id, project_number = ${projectNumber},
              ${sql.raw(TASK_FIELDS.map((f) => `${f} = r.${f}`).join(', '))}
            from items r ${projectNumbered} where r.op = 'update' and t.id = r.id and t.user_id = r.user_id and ${unchanged}
              ${needs.onlyWith ? sql`and r.only_with is null` : sql``}
            returning r.ord, t.id, t.number, t.project_id, t.project_number)`,
        ]
      : []),
    ...(needs.onlyWith
      ? [
          sql`updated_with as (
            update tasks t set project_id = r.project_id, project_number = ${projectNumber},
              ${sql.raw(TASK_FIELDS.map((f) => `${f} = r.${f}`).join(', '))}
            from items r ${projectNumbered} where r.op = 'update' and t.id = r.id and t.user_id = r.user_id and ${unchanged}
              and r.only_with is not null and exists (select 1 from updated u where u.ord = r.only_with)
            returning r.ord, t.id, t.number, t.project_id, t.project_number)`,
        ]
      : []),
    ...(needs.delete
      ? [
          sql`deleted as (
            delete from tasks t using items r where r.op = 'delete' and t.id = r.id and t.user_id = r.user_id and ${unchanged}
              ${needs.onlyWith ? sql`and (r.only_with is null or exists (select 1 from updated u where u.ord = r.only_with))` : sql``}
            returning r.ord, t.id, t.number, t.project_id, t.project_number)`,
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
        case when e.item->'event'->'data'->'task'->>'id' is distinct from i.id::text then e.item->'event'
          else jsonb_set(jsonb_set(jsonb_set(jsonb_set(e.item->'event',
            '{data,task,tags}', coalesce(n.tags, e.item->'event'->'data'->'task'->'tags')), '{data,task,number}', to_jsonb(s.number)),
            '{data,task,projectId}', to_jsonb(s.project_id)), '{data,task,projectNumber}', to_jsonb(s.project_number)) end,
        i.at, i.at
      from items i join stored s on s.ord = i.ord join names n on n.ord = i.ord
      cross join lateral jsonb_array_elements(i.events) with ordinality as e(item, position)
      order by i.ord, e.position)`,
    ...(needs.follows
      ? [
          sql`handled as (
            insert into recurrence_handled (task_id, handled_at)
            select distinct on (i.follows) i.follows, i.at from items i join stored s on s.ord = i.ord where i.follows is not null
            on conflict do nothing)`,
        ]
      : []),
    ...(needs.reopens
      ? [
          sql`unhandled as (
            delete from recurrence_handled h using items i join stored s on s.ord = i.ord
            where i.reopens and h.task_id = i.id)`,
        ]
      : []),
    ...(needs.trash ? [trashedPart] : []),
    ...(needs.delivery ? redeliveredParts : []),
    ...(needs.restores
      ? [
          sql`untrashed as (
            delete from task_trash x using items i join stored s on s.ord = i.ord
            where i.restores is not null and x.task_id = i.restores and x.user_id = i.user_id)`,
        ]
      : []),
    ...(needs.idempotency
      ? [
          sql`keyed as (
            insert into idempotency_keys (user_id, key, fingerprint, task_id, created_at)
            select i.user_id, i.key, i.fingerprint, i.id, i.at from items i where i.key is not null)`,
        ]
      : []),
    ...(needs.imported
      ? [
          sql`import_keyed as (
            insert into import_keys (user_id, source, external_id, task_id, created_at)
            select i.user_id, i.import_source, i.import_id, i.id, i.at from items i where i.import_id is not null)`,
        ]
      : []),
  ];
}
