/**
 * Deleted tasks kept for undo (`task_trash`): a trashing delete writes them
 * (task-write.statement.ts), a restore reads them here and writes them back through the same
 * statement, which also removes the entry; `purge` drops what is past the undo window.
 */
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { taskTrash } from '../schema.js';
import { taskColumns, type ReminderJson, type TaskRow } from './task.mapper.js';

/** One task of a trash entry as it was stored. */
export interface TrashedTask {
  row: TaskRow;
  tags: string[];
  reminders: ReminderJson[];
  /** Its notifications and reminder emissions, as stored: written back with it (`TaskWrite.delivery`). */
  delivery: unknown;
}

export interface TrashEntry {
  taskId: string;
  number: number;
  deletedAt: Date;
  /** The deleted task first, then its subtasks, parents before their own subtasks. */
  tasks: TrashedTask[];
}

type Snapshot = { row: Record<string, unknown>; tags: string[]; reminders: ReminderJson[]; delivery: unknown };

/**
 * A row as `to_jsonb` wrote it (column names, timestamps as text) back to a `TaskRow`, from the
 * table's own column list, so a column added to `tasks` is carried without a change here.
 */
function rowFromJson(json: Record<string, unknown>): TaskRow {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(taskColumns)) {
    const value = json[column.name] ?? null;
    row[field] = value !== null && column.dataType === 'date' ? new Date(value as string) : value;
  }
  return row as TaskRow;
}

export class TrashRepository {
  constructor(private readonly db: Db) {}

  async find(userId: string, key: { id: string } | { number: number }): Promise<TrashEntry | null> {
    const [entry] = await this.db
      .select()
      .from(taskTrash)
      .where(and(eq(taskTrash.userId, userId), 'id' in key ? eq(taskTrash.taskId, key.id) : eq(taskTrash.number, key.number)));
    if (!entry) return null;
    const tasks = (entry.tasks as Snapshot[]).map((t) => ({
      row: rowFromJson(t.row),
      tags: t.tags,
      reminders: t.reminders,
      delivery: t.delivery,
    }));
    return { taskId: entry.taskId, number: entry.number, deletedAt: entry.deletedAt, tasks };
  }

  /** Drops the entries deleted before `before`: those tasks can no longer be restored. */
  async purge(before: Date): Promise<number> {
    const gone = await this.db.delete(taskTrash).where(lt(taskTrash.deletedAt, before)).returning({ id: taskTrash.taskId });
    return gone.length;
  }
}
