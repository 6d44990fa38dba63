/**
 * Task listing: filters, full-text search and keyset pagination. Keyset (not OFFSET) keeps
 * pages stable while tasks are added. For the orders an index serves (by due date, by
 * creation) the cursor is a row comparison the index seeks to, so page N costs what page 1
 * costs; the other orders sort the matching tasks per page.
 */
import { and, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { DomainError, priorityRank, unsafeTextReason, type TaskListQuery, type TaskSort } from '@todo/domain';
import { tags, taskTags, tasks } from '../schema.js';
import { OUTER_TASK_ID } from './task.mapper.js';
import { visibleProjectIds } from './project.repository.js';

export interface ListContext {
  /** Current instant, for `overdue`. */
  now: Date;
  /** Today's date in the user's zone, for all-day tasks in `overdue` (which needs it). */
  today: string | null;
}

type Direction = 'asc' | 'desc';
interface SortSpec {
  key: string;
  expr: SQL;
  dir: Direction;
  /** Cast applied to the cursor value when comparing. */
  cast: string;
  /**
   * `expr` is never null and the id tie-break runs in `dir` too, so `(expr, id)` compared with
   * the cursor as a row is what an index on (project, expr, id) seeks to.
   */
  seekable?: boolean;
}

/**
 * Undated last, as `nulls last` would put them, but as a value: `infinity` sorts after every
 * date, so the order is a plain `(value, id)` and the cursor a row comparison
 * (`tasks_project_open_due_idx` is built on this expression).
 */
const DUE_OR_NEVER: SortSpec = {
  key: 'due',
  expr: sql`coalesce(${tasks.dueAt}, 'infinity'::timestamptz)`,
  dir: 'asc',
  cast: 'timestamptz',
  seekable: true,
};

const NATURAL: Record<string, { expr: SQL; dir: Direction; cast: string }> = {
  due: { expr: sql`${tasks.dueAt}`, dir: 'asc', cast: 'timestamptz' },
  priority: { expr: sql`${tasks.priority}`, dir: 'desc', cast: 'smallint' },
  created: { expr: sql`${tasks.createdAt}`, dir: 'desc', cast: 'timestamptz' },
  updated: { expr: sql`${tasks.updatedAt}`, dir: 'desc', cast: 'timestamptz' },
  title: { expr: sql`lower(${tasks.title}) collate "C"`, dir: 'asc', cast: 'text' },
  number: { expr: sql`${tasks.number}`, dir: 'asc', cast: 'integer' },
};

/** Letters and digits only: a word with nothing in it that `to_tsquery` would read as syntax. */
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * The search box's query. The box searches as you type, so the last word is a prefix ("dent"
 * finds "dentist"); the words before it are whole words as `websearch_to_tsquery` reads them
 * (quotes, `or`, `-word`). The prefix is matched stemmed — a finished word is stored stemmed
 * ("happy" as 'happi') — or as typed — a word cut short may stem differently from the word it
 * begins, and a stop word ("the") begun is often a longer word ("there"). Only a plain word
 * becomes a prefix, so user text never reaches `to_tsquery` as syntax; any other last word
 * ("e-mail", "-dent", `"a b"`) is searched whole.
 */
function tsQuery(q: string): SQL {
  const words = q.trim().split(/\s+/);
  const last = words.at(-1) ?? '';
  if (!PLAIN_WORD.test(last)) return sql`websearch_to_tsquery('english', ${q})`;
  const prefix = `${last.toLowerCase()}:*`;
  const lastWord = sql`(to_tsquery('english', ${prefix}) || to_tsquery('simple', ${prefix}))`;
  const head = words.slice(0, -1).join(' ');
  return head ? sql`(websearch_to_tsquery('english', ${head}) && ${lastWord})` : lastWord;
}

function sortSpec(sort: TaskSort | undefined, q: string | undefined): SortSpec {
  const wanted = sort ?? (q ? 'relevance' : 'due');
  if (wanted === 'due') return DUE_OR_NEVER;
  const reversed = wanted.startsWith('-');
  const key = reversed ? wanted.slice(1) : wanted;
  const natural =
    key === 'relevance'
      ? q
        ? { expr: sql`ts_rank(${tasks.search}, ${tsQuery(q)})`, dir: 'desc' as const, cast: 'real' }
        : undefined
      : NATURAL[key];
  if (!natural) throw DomainError.field('VALIDATION_FAILED', 'sort', 'sort=relevance needs a search query q');
  const dir = reversed ? (natural.dir === 'asc' ? 'desc' : 'asc') : natural.dir;
  // Creation times are never null; ties (same millisecond) follow the direction, newest id first.
  return { key: wanted, expr: natural.expr, dir, cast: natural.cast, seekable: key === 'created' };
}

interface Cursor {
  k: string;
  v: string | null;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// timestamptz as PostgreSQL writes it as text: "2026-11-30 23:00:00.123+00".
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

function isInstantText(v: string): boolean {
  const m = INSTANT.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/** Whether a cursor value is one this sort could have written, so the cast in SQL cannot fail. */
const CURSOR_VALUE: Record<string, (v: string) => boolean> = {
  timestamptz: (v) => v === 'infinity' || isInstantText(v),
  smallint: (v) => /^-?\d{1,4}$/.test(v),
  integer: (v) => /^-?\d{1,9}$/.test(v),
  real: (v) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) && Number.isFinite(Number(v)),
  text: (v) => unsafeTextReason(v) === null,
};

/** A cursor this sort issued, checked field by field: a crafted one must not reach SQL. */
function decodeCursor(raw: string, spec: SortSpec): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor> | null;
    const valueOk = c?.v === null || (typeof c?.v === 'string' && CURSOR_VALUE[spec.cast]?.(c.v) === true);
    if (c?.k === spec.key && typeof c.id === 'string' && UUID.test(c.id) && valueOk) return c as Cursor;
  } catch {
    // fall through to the error below
  }
  throw DomainError.field('INVALID_CURSOR', 'cursor', 'cursor is malformed or belongs to another sort; start again without it');
}

/** Rows after the cursor for `ORDER BY expr dir NULLS LAST, id ASC` (or `expr dir, id dir` when seekable). */
function afterCursor(spec: SortSpec, cursor: Cursor): SQL {
  if (spec.seekable) {
    const row = sql`(${spec.expr}, ${tasks.id})`;
    // A cursor from before undated tasks sorted as `infinity` carries null for them.
    const at = sql`(${cursor.v ?? 'infinity'}::${sql.raw(spec.cast)}, ${cursor.id}::uuid)`;
    return spec.dir === 'asc' ? sql`${row} > ${at}` : sql`${row} < ${at}`;
  }
  const idAfter = sql`${tasks.id} > ${cursor.id}::uuid`;
  if (cursor.v === null) return sql`(${spec.expr} is null and ${idAfter})`;
  const value = sql`${cursor.v}::${sql.raw(spec.cast)}`;
  const beyond = spec.dir === 'asc' ? sql`${spec.expr} > ${value}` : sql`${spec.expr} < ${value}`;
  return sql`(${beyond} or (${spec.expr} = ${value} and ${idAfter}) or ${spec.expr} is null)`;
}

/** A PostgreSQL text array literal; every element quoted, so commas, braces and quotes in names are data. */
const textArray = (values: readonly string[]): string => `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

const todayFor = (ctx: ListContext): string => {
  if (ctx.today === null) throw new Error('an overdue list needs the owner’s today');
  return ctx.today;
};

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/**
 * An ISO instant as UTC text: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows
 * (e.g. -23:00), and must never see one as an error of its own.
 */
function utcInstant(s: string, field: string): string {
  const iso = new Date(s).toISOString();
  if (!/^\d{4}-/.test(iso))
    throw DomainError.field('VALIDATION_FAILED', field, 'must be an instant between the years 0001 and 9999');
  return iso;
}

/**
 * Fields a list row carries beyond the task itself, so a list can nest subtasks under their
 * parent without a request per row: `subtasks` (done / total of the direct subtasks, null when
 * there are none) and `parentTitle` (the parent of a subtask, whose row may not be in the same
 * view). Each is one probe of an index (`tasks_parent_idx`, the primary key); a task without
 * subtasks reads no row for it. The parent's title is looked for only on a subtask's row: run on
 * every row, that second probe cost about a quarter of a cheap list's throughput (bench:overload's
 * list of 50, 2026-12-08). Both look in the row's own project only, which every reader of the row
 * may read.
 */
export const listOnlyFields = sql`(select case when count(*) > 0 then json_build_object(
    'done', count(*) filter (where c.completed_at is not null), 'total', count(*)) end
  from ${tasks} c where c.parent_id = ${OUTER_TASK_ID} and c.project_id = "tasks"."project_id") as "subtasks",
  case when "tasks"."parent_id" is not null then
    (select p.title from ${tasks} p where p.id = "tasks"."parent_id" and p.project_id = "tasks"."project_id") end as "parentTitle"`;

export function buildListQuery(userId: string, query: TaskListQuery, ctx: ListContext) {
  const spec = sortSpec(query.sort, query.q);
  const where: SQL[] = [];
  if (query.status === 'open') where.push(isNull(tasks.completedAt));
  if (query.status === 'completed') where.push(isNotNull(tasks.completedAt));
  // Lists travel as one array parameter, so the statement's text (its prepared name) does not
  // change with their length.
  if (query.priority?.length)
    where.push(sql`${tasks.priority} = any(${`{${query.priority.map(priorityRank).join(',')}}`}::smallint[])`);
  if (query.parentId) where.push(eq(tasks.parentId, query.parentId));
  if (query.noDate) where.push(isNull(tasks.dueDate));
  // Served by `tasks_assignee_idx` (assigned to me), or the creator's tasks that have an assignee.
  if (query.assigned === 'me') where.push(sql`${tasks.assigneeId} = ${userId}::uuid`);
  if (query.assigned === 'byMe') {
    where.push(sql`${tasks.userId} = ${userId}::uuid and ${tasks.assigneeId} <> ${userId}::uuid`);
  }
  if (query.tags?.length) {
    const names = [...new Set(query.tags.map((t) => t.toLowerCase()))];
    const matching = sql`select count(distinct g.id) from ${taskTags} tt join ${tags} g on g.id = tt.tag_id
      where tt.task_id = ${OUTER_TASK_ID} and lower(g.name) = any(${textArray(names)}::text[])`;
    where.push(query.tagMode === 'all' ? sql`(${matching}) = ${names.length}` : sql`(${matching}) > 0`);
  }
  if (query.dueBefore) {
    where.push(
      isDate(query.dueBefore)
        ? sql`${tasks.dueDate} < ${query.dueBefore}::date`
        : sql`${tasks.dueAt} < ${utcInstant(query.dueBefore, 'dueBefore')}::timestamptz`,
    );
  }
  if (query.dueAfter) {
    where.push(
      isDate(query.dueAfter)
        ? sql`${tasks.dueDate} >= ${query.dueAfter}::date`
        : sql`${tasks.dueAt} >= ${utcInstant(query.dueAfter, 'dueAfter')}::timestamptz`,
    );
  }
  if (query.overdue) {
    where.push(isNull(tasks.completedAt));
    where.push(
      or(
        and(isNotNull(tasks.dueTime), sql`${tasks.dueAt} < ${ctx.now.toISOString()}::timestamptz`),
        and(isNull(tasks.dueTime), sql`${tasks.dueDate} < ${todayFor(ctx)}::date`),
      )!,
    );
  }
  if (query.q) where.push(sql`${tasks.search} @@ ${tsQuery(query.q)}`);
  if (query.cursor) where.push(afterCursor(spec, decodeCursor(query.cursor, spec)));

  const orderOf = (expr: SQL) =>
    sql.join(
      spec.seekable
        ? [sql`${expr} ${sql.raw(spec.dir)}`, sql`${tasks.id} ${sql.raw(spec.dir)}`]
        : [sql`${expr} ${sql.raw(spec.dir)} nulls last`, sql`${tasks.id} asc`],
      sql`, `,
    );
  // The caller's projects first (an init plan over `project_members (user_id)`); each is then
  // read through the task indexes keyed by project (docs/decisions/0009-projects-and-sharing.md).
  const visible = visibleProjectIds(userId);
  return {
    projects: query.projectId ? sql`array(select p from unnest(${visible}) as p where p = ${query.projectId}::uuid)` : visible,
    where: where.length ? and(...where)! : sql`true`,
    sortExpr: spec.expr,
    orderBy: orderOf(spec.expr),
    /** The same order over a select that exposes the sort expression as `sort_key`. */
    orderBySortKey: orderOf(sql.raw('"tasks"."sort_key"')),
    sortKey: spec.key,
  };
}
