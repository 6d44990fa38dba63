/**
 * What undoing a completion or a delete writes, decided from plain reads; TaskService writes it
 * through the one task write (`repos.tasks.write`), in the statement of the change it undoes.
 *
 * - Reopening an occurrence of a series removes the next occurrence its completion made, if
 *   nobody has touched it (`NextOccurrence.untouched`); a touched one stays and the answer says
 *   so. The subtasks that completing a repeating parent closed with it open again with it.
 * - A delete leaves its task, subtasks, tags and reminders in `task_trash`; a restore writes them
 *   back with their ids and numbers and a `todo.task.restored.v1` each, so the notifier arms the
 *   reminders again and other tabs show the task.
 */
import { DomainError, pendingEvent, type Task } from '@todo/domain';
import { taskFromRow, type Repositories, type TaskRow, type TrashEntry } from '@todo/storage';
import type { PendingTaskWrite } from './unit-of-work.js';
import { reminderJson } from './task-fields.js';

/** A write that changes or removes a task (what goes with another change). */
export type ChangeWrite = Exclude<PendingTaskWrite, { op: 'insert' }>;

/** How long a deleted task can be restored; `TaskService.purgeTrash` drops what is older. */
export const TRASH_KEPT_MS = 60 * 60 * 1000;

export interface NextOccurrenceOutcome {
  id: string;
  number: number;
  removed: boolean;
}

/**
 * The writes that take back what completing `row` did besides completing it: the untouched next
 * occurrence deleted (with its copied subtasks, each announced so its reminders are cancelled),
 * and the subtasks closed with it reopened.
 */
export async function undoCompletionWrites(
  repos: Repositories,
  userId: string,
  row: TaskRow,
  at: Date,
): Promise<{ writes: ChangeWrite[]; next: NextOccurrenceOutcome | null }> {
  const writes = await subtaskWrites(repos, userId, row, null, at);
  if (!row.seriesId || row.occurrenceIndex === null) return { writes, next: null };
  const found = await repos.recurrence.nextOccurrence(userId, row.id, row.seriesId, row.occurrenceIndex);
  const next = found && (await repos.tasks.findById(userId, found.id));
  if (!found || !next) return { writes, next: null };
  if (!found.untouched) return { writes, next: { id: next.id, number: next.number, removed: false } };
  const events = [];
  for (const id of await repos.tasks.descendantIds(next.id)) {
    const sub = await repos.tasks.findById(userId, id);
    if (sub) events.push(pendingEvent('todo.task.deleted.v1', id, { userId, task: sub }));
  }
  events.push(pendingEvent('todo.task.deleted.v1', next.id, { userId, task: next }));
  writes.push({ op: 'delete', userId, id: next.id, readUpdatedAt: found.updatedAt, at, events });
  return { writes, next: { id: next.id, number: next.number, removed: true } };
}

/**
 * The direct subtasks of a repeating parent that its completion closes (`completedAt`: the
 * parent's completion time) or that its reopening opens again (`completedAt` null: those closed
 * at the parent's completion time, i.e. with it — not those the user had done before).
 * The next occurrence gets fresh copies, so the old ones belong to the finished occurrence.
 */
export async function subtaskWrites(
  repos: Repositories,
  userId: string,
  parent: TaskRow,
  completedAt: Date | null,
  at: Date,
): Promise<ChangeWrite[]> {
  if (!parent.recurrenceRule) return [];
  const closedWith = parent.completedAt?.getTime();
  const writes: ChangeWrite[] = [];
  for (const id of await repos.tasks.descendantIds(parent.id)) {
    const read = await repos.tasks.findForChange(userId, { id });
    if (!read || read.row.parentId !== parent.id) continue;
    const closing = completedAt !== null && !read.row.completedAt;
    const opening = completedAt === null && read.row.completedAt?.getTime() === closedWith;
    if (!closing && !opening) continue;
    const row = { ...read.row, completedAt, updatedAt: at };
    const task: Task = {
      ...read.task,
      status: completedAt ? 'completed' : 'open',
      completedAt: completedAt?.toISOString() ?? null,
      updatedAt: at.toISOString(),
    };
    const type = completedAt ? 'todo.task.completed.v1' : 'todo.task.reopened.v1';
    writes.push({ op: 'update', row, readUpdatedAt: read.row.updatedAt, events: [pendingEvent(type, id, { userId, task })] });
  }
  return writes;
}

/**
 * A trash entry as insert writes: each task with its id, number, tags and reminders; a task whose
 * project was deleted meanwhile goes to the Inbox, as is the parent of the restored task if it has gone since.
 */
export async function restoreWrites(
  repos: Repositories,
  userId: string,
  entry: TrashEntry,
  newId: () => string,
  at: Date,
): Promise<{ writes: PendingTaskWrite[]; task: Task }> {
  const writes: PendingTaskWrite[] = [];
  let root: Task | undefined;
  for (const trashed of entry.tasks) {
    const row = { ...trashed.row, updatedAt: at };
    const isRoot = row.id === entry.taskId;
    // A trash entry from before projects has no project: the Inbox too.
    if (!row.projectId || !(await repos.projects.find(userId, row.projectId))) {
      // Its project went meanwhile: back to its creator's Inbox, numbered there.
      const inbox = await repos.projects.inboxOf(row.userId);
      if (!inbox) throw new DomainError('TASK_NOT_FOUND', 'the task can no longer be restored');
      Object.assign(row, { projectId: inbox, projectNumber: null });
    }
    if (isRoot && row.parentId && !(await repos.tasks.findRow(userId, row.parentId))) row.parentId = null;
    const reminders = trashed.reminders.map((r) => ({
      id: r.id,
      kind: r.kind,
      minutesBefore: r.minutesBefore,
      at: r.at ? new Date(r.at) : null,
      snoozedUntil: r.snoozedUntil ? new Date(r.snoozedUntil) : null,
    }));
    const task = taskFromRow(row, trashed.tags, reminderJson(reminders));
    root ??= task;
    writes.push({
      op: 'insert',
      row,
      tags: trashed.tags.map((name) => ({ id: newId(), name })),
      reminders,
      events: [pendingEvent('todo.task.restored.v1', row.id, { userId, actorId: userId, task })],
      delivery: trashed.delivery,
      ...(isRoot ? { restores: entry.taskId } : {}),
    });
  }
  return { writes, task: root! };
}
