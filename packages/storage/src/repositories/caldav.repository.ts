/**
 * What CalDAV reads beyond the task lists: a calendar (project) as tasks with their stored rows,
 * its last change for ctag and sync token, and the tasks deleted from it since a sync token —
 * the tombstones of RFC 6578, read from the trash (docs/caldav.md).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Task } from '@todo/domain';
import type { Db } from '../db.js';
import { projectMembers, projects, tasks } from '../schema.js';
import { remindersColumn, tagNamesColumn, taskColumns, taskFromRow, type TaskRow } from './task.mapper.js';

export interface DavTask {
  task: Task;
  row: TaskRow;
}

export interface DavTombstone {
  id: string;
  icalName: string | null;
}

export class CaldavRepository {
  constructor(private readonly db: Db) {}

  /**
   * The tasks of a project the caller is a member of (of its top-level project); `changedAfter`
   * keeps those written later, `ids` (the app's UIDs) and `icalNames` (a client's resource names) those named.
   */
  async tasks(
    userId: string,
    projectId: string,
    only: { changedAfter?: Date; ids?: readonly string[]; icalNames?: readonly string[] } = {},
  ): Promise<DavTask[]> {
    const conditions = [eq(tasks.projectId, projectId)];
    if (only.changedAfter) conditions.push(sql`${tasks.updatedAt} > ${only.changedAfter.toISOString()}::timestamptz`);
    if (only.ids || only.icalNames) {
      const ids = only.ids ?? [];
      const names = only.icalNames ?? [];
      conditions.push(
        sql`(${tasks.id}::text = any(${sql.param(ids)}::text[]) or ${tasks.icalName} = any(${sql.param(names)}::text[]))`,
      );
    }
    const rows = await this.db
      .select({ task: taskColumns, tagNames: tagNamesColumn, reminders: remindersColumn })
      .from(tasks)
      .innerJoin(projects, eq(projects.id, tasks.projectId))
      .innerJoin(projectMembers, and(eq(projectMembers.projectId, projects.rootId), eq(projectMembers.userId, userId)))
      .where(and(...conditions))
      .orderBy(tasks.createdAt, tasks.id);
    return rows.map((r) => ({ task: taskFromRow(r.task, r.tagNames, r.reminders), row: r.task }));
  }

  /** When the project last changed: its newest task write or delete (epoch 0: never). */
  async lastChange(projectId: string): Promise<Date> {
    const result = (await this.db.execute(sql`
      select greatest(
        (select max(updated_at) from tasks where project_id = ${projectId}),
        (select max(t.deleted_at) from task_trash t, jsonb_array_elements(t.tasks) e
          where e->'row'->>'project_id' = ${projectId})) as at`)) as unknown as { rows: { at: string | Date | null }[] };
    const at = result.rows[0]?.at;
    return at ? new Date(at) : new Date(0);
  }

  /** Tasks deleted from the project after `after`, while the trash still holds them. */
  async deletedAfter(projectId: string, after: Date): Promise<DavTombstone[]> {
    const result = (await this.db.execute(sql`
      select e->'row'->>'id' as id, e->'row'->>'ical_name' as "icalName"
      from task_trash t, jsonb_array_elements(t.tasks) e
      where t.deleted_at > ${after.toISOString()}::timestamptz and e->'row'->>'project_id' = ${projectId}`)) as unknown as {
      rows: DavTombstone[];
    };
    return result.rows;
  }
}
