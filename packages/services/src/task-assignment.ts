/**
 * Assignees: a task is assigned to a member of its project's tree, or to nobody. Decided here
 * and written by the task's one write statement with the rest of the change (decision 0008);
 * an assignment emits `todo.task.assigned.v1` besides the task's own event.
 */
import { DomainError, pendingEvent, type PendingEvent, type Task } from '@todo/domain';
import type { Repositories } from '@todo/storage';

/** `assigneeId` if they are a member of the tree `projectId` is in; a non-member is a 400 on the field. */
export async function checkedAssignee(repos: Repositories, projectId: string, assigneeId: string | null): Promise<string | null> {
  if (assigneeId === null || (await repos.sharing.isMemberOfTree(projectId, assigneeId))) return assigneeId;
  throw DomainError.field('VALIDATION_FAILED', 'assigneeId', 'tasks are assigned to members of their project only');
}

/** After a move: the assignee stays if they are a member where the task goes, and is cleared otherwise. */
export async function assigneeAfterMove(
  repos: Repositories,
  projectId: string,
  assigneeId: string | null,
): Promise<string | null> {
  if (assigneeId === null) return null;
  return (await repos.sharing.isMemberOfTree(projectId, assigneeId)) ? assigneeId : null;
}

/** The assignment event, when the assignee changed. */
export function assignedEvents(task: Task, previous: string | null, creatorId: string, actorId: string): PendingEvent[] {
  if (task.assigneeId === previous) return [];
  return [
    pendingEvent('todo.task.assigned.v1', task.id, {
      userId: creatorId,
      task,
      assigneeId: task.assigneeId,
      previous,
      actorId,
    }),
  ];
}
