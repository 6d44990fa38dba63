/**
 * Tasks in SQL. Reads on behalf of a caller take the caller's id and reach only the tasks of
 * projects whose root has the caller as a member (`member`), with the caller's role there; the
 * event pipeline's reads (series, reminders) take the task's creator.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { ProjectRole, Task, TaskListQuery } from '@todo/domain';
import type { Db } from '../db.js';
import { projectMembers, projects, reminders, tasks, users } from '../schema.js';
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
    const member = memberOf(userId);
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
        .select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn, role: projectMembers.role })
        .from(tasks)
        .innerJoin(projects, eq(projects.id, tasks.projectId))
        .innerJoin(projectMembers, member)
        .where(eq(tasks.id, id))
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

  /**
   * The task as the wire shows it and as it is stored, with the caller's role in its project,
   * for a change decided on all three. `#N` is among the tasks the caller created.
   */
  async findForChange(
    userId: string,
    key: { id: string } | { number: number },
  ): Promise<{ task: Task; row: TaskRow; role: ProjectRole } | null> {
    const [found] =
      'id' in key
        ? await this.statements.byId.execute({ userId, id: key.id })
        : await this.selectFull(userId, and(eq(tasks.userId, userId), eq(tasks.number, key.number))!);
    return found ? { task: taskFromRow(found.task, found.tagNames, found.reminders), row: found.task, role: found.role } : null;
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
    return this.findOne(userId, and(eq(tasks.userId, userId), eq(tasks.number, number))!);
  }

  /** The raw row of a task the caller can see, with their role in its project. */
  async findRow(userId: string, id: string): Promise<(TaskRow & { role: ProjectRole }) | null> {
    const [row] = await this.db
      .select({ ...taskColumns, role: projectMembers.role })
      .from(tasks)
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .innerJoin(projectMembers, memberOf(userId))
      .where(eq(tasks.id, id));
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

  /** Ids of a task's descendants (subtasks, their subtasks …), to refuse parent cycles; the caller has read the task. */
  async descendantIds(id: string): Promise<string[]> {
    const result = (await this.db.execute(sql`
      with recursive sub(id) as (
        select id from ${tasks} where parent_id = ${id}::uuid
        union select t.id from ${tasks} t join sub on t.parent_id = sub.id)
      select id from sub`)) as { rows: { id: string }[] };
    return result.rows.map((r) => r.id);
  }

  /**
   * A page of tasks, each already as its wire-shape JSON text (`taskWireFields`): the API sends
   * them on as they are. The inner select picks the page: a page's worth of each of the caller's
   * projects (in index order where there is one), merged, so a page reads no more than that,
   * with the sort expression as `sort_key` and without the `tsvector`; only its rows become
   * JSON. It keeps the table's name, so `taskWireFields` reads it as it reads the table.
   * Prepared per query shape (filters and sort, never values).
   */
  async listJson(userId: string, query: TaskListQuery, ctx: ListContext): Promise<TaskJsonPage> {
    const { projects: projectIds, where, sortExpr, orderBy, orderBySortKey, sortKey } = buildListQuery(userId, query, ctx);
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
        from (select "tasks".* from unnest(${projectIds}) as visible(id)
          cross join lateral (select ${LIST_COLUMNS}, ${sortExpr} as sort_key
            from ${tasks} where ${tasks.projectId} = visible.id and ${where} order by ${orderBy} limit ${query.limit + 1}) as ${tasks}
          order by ${orderBySortKey} limit ${query.limit + 1}) as ${tasks}
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

  private async findOne(userId: string, where: ReturnType<typeof and> & object): Promise<Task | null> {
    const [row] = await this.selectFull(userId, where);
    return row ? taskFromRow(row.task, row.tagNames, row.reminders) : null;
  }

  private selectFull(userId: string, where: ReturnType<typeof and> & object) {
    return this.db
      .select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn, role: projectMembers.role })
      .from(tasks)
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .innerJoin(projectMembers, memberOf(userId))
      .where(where);
  }
}

/** The join condition of the caller's membership of a task's project (`projects` joined on the task). */
function memberOf(userId: string | SQL.Aliased | ReturnType<typeof sql.placeholder>): SQL {
  return and(eq(projectMembers.projectId, projects.rootId), eq(projectMembers.userId, userId as string))!;
}
