/** Tasks in SQL. Every method takes the owner's id: no query reaches another user's rows. */
import { and, eq, sql } from 'drizzle-orm';
import type { Task, TaskListQuery } from '@todo/domain';
import type { Db } from '../db.js';
import { reminders, tasks, users } from '../schema.js';
import { pushSubscriptions } from '../schema-delivery.js';
import { buildListQuery, encodeCursor, listOnlyFields, type ListContext } from './task-list.query.js';
import { writeTasks, type StoredTaskWrite, type TaskWrite } from './task-write.statement.js';
import type { TaskWriteBatcher } from './task-write.batcher.js';
import { listVersionOf } from './list-version.repository.js';
import { constantSql, executeByShape } from '../named-statement.js';
import {
  OUTER_TASK_ID,
  remindersColumn,
  tagNamesColumn,
  taskColumns,
  taskFromRow,
  taskWireFields,
  withRecurrenceText,
  type TaskRow,
} from './task.mapper.js';

/** A subtask's fields a next occurrence copies (open again, no tags or reminders). */
export interface SubtaskCopy {
  title: string;
  description: string;
  priority: number;
}

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

/** A `TaskPage` whose items are JSON text. */
export interface TaskJsonPage {
  items: string[];
  nextCursor: string | null;
  /** The owner's data version (`ListVersionRepository`) the page was read at; null for an empty page. */
  version: string | null;
}

/** The list statement's fixed parts, rendered once (see `listJson`). */
const LIST_COLUMNS = constantSql(sql.join(Object.values(taskColumns), sql`, `));
const LIST_WIRE_FIELDS = constantSql(sql`${taskWireFields}, ${listOnlyFields}`);

export class TaskRepository {
  private prepared: ReturnType<TaskRepository['prepare']> | undefined;

  /** `writes`: task writes outside a transaction are batched with the writes arriving with them. */
  constructor(
    private readonly db: Db,
    private readonly writes?: TaskWriteBatcher,
  ) {}

  /**
   * The statements the event pipeline runs for every task, built once per repository (the root
   * one lives as long as the process): building a Drizzle query costs more CPU than sending it.
   */
  private prepare() {
    const userId = sql.placeholder('userId');
    const id = sql.placeholder('id');
    return {
      seriesRow: this.db
        .select({
          task: taskColumns,
          timeZone: users.timeZone,
          subtasks: sql<SubtaskCopy[]>`coalesce((select json_agg(json_build_object('title', c.title, 'description', c.description,
            'priority', c.priority) order by c.number) from ${tasks} c where c.parent_id = ${OUTER_TASK_ID}), '[]'::json)`,
        })
        .from(tasks)
        .innerJoin(users, eq(users.id, tasks.userId))
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .prepare('todo_task_series_row'),
      byId: this.db
        .select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn })
        .from(tasks)
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .prepare('todo_task_by_id'),
      withOwner: this.db
        .select({
          task: taskColumns,
          tagNames: tagNamesColumn,
          reminders: remindersColumn,
          owner: {
            email: users.email,
            name: users.name,
            timeZone: users.timeZone,
            reminderHour: users.reminderHour,
            hasPushDevices: sql<boolean>`exists (select 1 from ${pushSubscriptions} p where p.user_id = ${users.id})`,
          },
        })
        .from(tasks)
        .innerJoin(users, eq(users.id, tasks.userId))
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .prepare('todo_task_with_owner'),
    };
  }

  private get statements() {
    return (this.prepared ??= this.prepare());
  }

  /** A task's stored row with what the next occurrence needs besides: the owner's zone, the subtasks to copy. */
  async findSeriesRow(userId: string, id: string): Promise<{ task: TaskRow; timeZone: string; subtasks: SubtaskCopy[] } | null> {
    const [row] = await this.statements.seriesRow.execute({ userId, id });
    return row ?? null;
  }

  /**
   * Task writes and their events, atomically in one statement (task-write.statement.ts);
   * outside a transaction, batched with the writes arriving with them.
   */
  write(writes: readonly TaskWrite[]): Promise<StoredTaskWrite[]> {
    return this.writes ? this.writes.write(writes) : writeTasks(this.db, writes);
  }

  /** The task as the wire shows it and as it is stored, for a change decided on both. */
  async findForChange(userId: string, key: { id: string } | { number: number }): Promise<{ task: Task; row: TaskRow } | null> {
    const [found] =
      'id' in key
        ? await this.statements.byId.execute({ userId, id: key.id })
        : await this.selectFull(and(eq(tasks.userId, userId), eq(tasks.number, key.number))!);
    return found ? { task: taskFromRow(found.task, found.tagNames, found.reminders), row: found.task } : null;
  }

  async findById(userId: string, id: string): Promise<Task | null> {
    const [row] = await this.statements.byId.execute({ userId, id });
    return row ? taskFromRow(row.task, row.tagNames, row.reminders) : null;
  }

  /** A task and what its reminders need of its owner, in one round trip (the reminder path reads it per reminder). */
  async findWithOwner(
    userId: string,
    id: string,
  ): Promise<{
    task: Task;
    owner: { email: string; name: string | null; timeZone: string; reminderHour: number; hasPushDevices: boolean };
  } | null> {
    const [row] = await this.statements.withOwner.execute({ userId, id });
    return row ? { task: taskFromRow(row.task, row.tagNames, row.reminders), owner: row.owner } : null;
  }

  async findByNumber(userId: string, number: number): Promise<Task | null> {
    return this.findOne(and(eq(tasks.userId, userId), eq(tasks.number, number))!);
  }

  /** The raw row, for use cases that need stored fields the wire shape hides (series anchor). */
  async findRow(userId: string, id: string): Promise<TaskRow | null> {
    const [row] = await this.db
      .select(taskColumns)
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)));
    return row ?? null;
  }

  /** Open tasks of a user that have reminders (their fire times depend on the user's zone and hour). */
  async openIdsWithReminders(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(
        and(
          eq(tasks.userId, userId),
          sql`${tasks.completedAt} is null`,
          sql`exists (select 1 from ${reminders} r where r.task_id = ${OUTER_TASK_ID})`,
        ),
      );
    return rows.map((r) => r.id);
  }

  /** Ids of a task's descendants (subtasks, their subtasks …), to refuse parent cycles. */
  async descendantIds(userId: string, id: string): Promise<string[]> {
    const result = (await this.db.execute(sql`
      with recursive sub(id) as (
        select id from ${tasks} where parent_id = ${id}::uuid and user_id = ${userId}::uuid
        union select t.id from ${tasks} t join sub on t.parent_id = sub.id)
      select id from sub`)) as { rows: { id: string }[] };
    return result.rows.map((r) => r.id);
  }

  /**
   * A page of tasks, each already as its wire-shape JSON text (`taskWireFields`): the API sends
   * them on as they are. The inner select picks the page (in index order where there is one)
   * with the sort expression as `sort_key` and without the `tsvector`; only its rows become
   * JSON. It keeps the table's name, so `taskWireFields` reads it as it reads the table.
   * Prepared per query shape (filters and sort, never values).
   */
  async listJson(userId: string, query: TaskListQuery, ctx: ListContext): Promise<TaskJsonPage> {
    const { where, sortExpr, orderBy, orderBySortKey, sortKey } = buildListQuery(userId, query, ctx);
    const { rows } = await executeByShape<{
      json: string;
      id: string;
      sort_value: string | null;
      rule: string | null;
      version: string;
    }>(
      this.db,
      'todo_list_tasks',
      // The version in the page's own snapshot (read once, an init plan), so a page kept by it is exact.
      sql`select to_json(w)::text as json, "tasks"."id" as id, "tasks"."sort_key"::text as sort_value,
          "tasks"."recurrence_rule" as rule, ${listVersionOf(userId)} as version
        from (select ${LIST_COLUMNS}, ${sortExpr} as sort_key
          from ${tasks} where ${where} order by ${orderBy} limit ${query.limit + 1}) as ${tasks}
        cross join lateral (select ${LIST_WIRE_FIELDS}) as w
        order by ${orderBySortKey}`,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => withRecurrenceText(r.json, r.rule)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ k: sortKey, v: last.sort_value, id: last.id }) : null,
      version: rows[0]?.version ?? null,
    };
  }

  private async findOne(where: ReturnType<typeof and> & object): Promise<Task | null> {
    const [row] = await this.selectFull(where);
    return row ? taskFromRow(row.task, row.tagNames, row.reminders) : null;
  }

  private selectFull(where: ReturnType<typeof and> & object) {
    return this.db.select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn }).from(tasks).where(where);
  }
}
