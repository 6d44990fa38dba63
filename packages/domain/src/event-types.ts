/**
 * The task event types as a plain list, without the zod payload schemas of events.ts, so the
 * browser can import it (`@todo/domain/browser`) to subscribe to them; a test keeps the two equal.
 */
export const TASK_EVENT_TYPES = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
  'todo.task.restored.v1',
  'todo.task.assigned.v1',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
