/** Tasks in SQL. Every method takes the owner's id: no query reaches another user's rows. */
import { and, eq, sql } from 'drizzle-orm';
import type { Task, TaskListQuery } from '@todo/domain';
import type { Db } from '../db.js';
import { reminders, taskTags, tasks, users } from '../schema.js';
import { buildListQuery, encodeCursor, type ListContext } from './task-list.query.js';
import { setCompletedWithEvents } from './task-write.statement.js';
import { insertTasksWithEvents, type NewTaskWrite, type StoredTaskWrite } from './task-insert.statement.js';
import type { TaskInsertBatcher } from './task-insert.batcher.js';
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
  type NewTaskRow,
  type TaskRow,
} from './task.mapper.js';

export type TaskChanges = Partial<Omit<NewTaskRow, 'id' | 'userId' | 'number' | 'createdAt'>>;

export interface NewReminderRow {
  id: string;
  kind: 'relative' | 'absolute';
  minutesBefore: number | null;
  at: Date | null;
  snoozedUntil?: Date | null;
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
const LIST_WIRE_FIELDS = constantSql(taskWireFields);

export class TaskRepository {
  private prepared: ReturnType<TaskRepository['prepare']> | undefined;

  /** `inserts`: creates outside a transaction are batched with the creates arriving with them. */
  constructor(
    private readonly db: Db,
    private readonly inserts?: TaskInsertBatcher,
  ) {}

  /**
   * The statements the event pipeline runs for every task, built once per repository (the root
   * one lives as long as the process): building a Drizzle query costs more CPU than sending it.
   */
  private prepare() {
    const userId = sql.placeholder('userId');
    const id = sql.placeholder('id');
    return {
      allocateNumber: this.db
        .update(users)
        .set({ taskSeq: sql`${users.taskSeq} + 1` })
        .where(eq(users.id, userId))
        .returning({ number: users.taskSeq, timeZone: users.timeZone })
        .prepare('todo_allocate_task_number'),
      seriesRow: this.db
        .select({
          task: taskColumns,
          timeZone: users.timeZone,
          hasSubtasks: sql<boolean>`exists (select 1 from ${tasks} c where c.parent_id = ${OUTER_TASK_ID})`,
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
          owner: { email: users.email, name: users.name, timeZone: users.timeZone, reminderHour: users.reminderHour },
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

  /**
   * Hands out the next `#N` for a user, with the user's zone in the same round trip. Call it
   * outside the create transaction: the row lock then lasts one statement instead of the whole
   * write, so one user's concurrent creates do not queue behind each other. The price is a
   * gap in the numbers when the create then fails — numbers are unique, not gapless.
   */
  async allocateNumber(userId: string): Promise<{ number: number; timeZone: string }> {
    const [row] = await this.statements.allocateNumber.execute({ userId });
    if (!row) throw new Error(`user ${userId} vanished while creating a task`);
    return row;
  }

  /** A task's stored row with what the next occurrence needs besides: the owner's zone, whether it has subtasks. */
  async findSeriesRow(userId: string, id: string): Promise<{ task: TaskRow; timeZone: string; hasSubtasks: boolean } | null> {
    const [row] = await this.statements.seriesRow.execute({ userId, id });
    return row ?? null;
  }

  /** Inserts and returns the stored row (one round trip). */
  async insert(row: NewTaskRow): Promise<TaskRow> {
    const [created] = await this.db.insert(tasks).values(row).returning();
    return created!;
  }

  /** A new task with its tags, reminders and outbox events, atomically in one statement; returns its number and tag names. */
  async insertWithEvents(write: NewTaskWrite): Promise<StoredTaskWrite> {
    if (this.inserts) return this.inserts.insert(write);
    const [stored] = await insertTasksWithEvents(this.db, [write]);
    return stored!;
  }

  /** Completion or reopening plus its events in one statement, if `updatedAt` still reads `readUpdatedAt`. */
  setCompletedWithEvents(
    change: Parameters<typeof setCompletedWithEvents>[1],
    events: Parameters<typeof setCompletedWithEvents>[2],
  ): Promise<boolean> {
    return setCompletedWithEvents(this.db, change, events);
  }

  async update(userId: string, id: string, changes: TaskChanges): Promise<boolean> {
    const updated = await this.db
      .update(tasks)
      .set(changes)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning({ id: tasks.id });
    return updated.length > 0;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
      .returning({ id: tasks.id });
    return deleted.length > 0;
  }

  async replaceTags(taskId: string, tagIds: readonly string[], options: { isNew?: boolean } = {}): Promise<void> {
    if (!options.isNew) await this.db.delete(taskTags).where(eq(taskTags.taskId, taskId));
    if (tagIds.length) await this.db.insert(taskTags).values(tagIds.map((tagId) => ({ taskId, tagId })));
  }

  async replaceReminders(taskId: string, list: readonly NewReminderRow[], options: { isNew?: boolean } = {}): Promise<void> {
    if (!options.isNew) await this.db.delete(reminders).where(eq(reminders.taskId, taskId));
    if (list.length) {
      await this.db.insert(reminders).values(list.map((r, position) => ({ ...r, taskId, position })));
    }
  }

  /** Snoozes one reminder of the user's task; false when either is not theirs. */
  async snoozeReminder(userId: string, taskId: string, reminderId: string, until: Date | null): Promise<boolean> {
    const rows = await this.db
      .update(reminders)
      .set({ snoozedUntil: until })
      .where(
        and(
          eq(reminders.id, reminderId),
          eq(reminders.taskId, taskId),
          sql`exists (select 1 from ${tasks} where ${tasks.id} = ${taskId}::uuid and ${tasks.userId} = ${userId}::uuid)`,
        ),
      )
      .returning({ id: reminders.id });
    return rows.length > 0;
  }

  async findById(userId: string, id: string): Promise<Task | null> {
    const [row] = await this.statements.byId.execute({ userId, id });
    return row ? taskFromRow(row.task, row.tagNames, row.reminders) : null;
  }

  /** A task and what its reminders need of its owner, in one round trip (the reminder path reads it per reminder). */
  async findWithOwner(
    userId: string,
    id: string,
  ): Promise<{ task: Task; owner: { email: string; name: string | null; timeZone: string; reminderHour: number } } | null> {
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

  /** The direct subtasks of a task, in number order (for copying a checklist). */
  async childRows(userId: string, parentId: string) {
    return this.db
      .select({ title: tasks.title, description: tasks.description, priority: tasks.priority })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.parentId, parentId)))
      .orderBy(tasks.number);
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
    const [row] = await this.db
      .select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn })
      .from(tasks)
      .where(where);
    return row ? taskFromRow(row.task, row.tagNames, row.reminders) : null;
  }
}
