/**
 * What the activity history records of an event (docs/projects-and-sharing.md): who did what to
 * which task of which project, and when, as one short line. Events it does not show give null.
 */
import { EVENT_SCHEMAS, type CloudEvent, type EventType } from '../events.js';

export interface ActivityFact {
  eventId: string;
  type: EventType;
  projectId: string;
  taskId: string | null;
  actorId: string;
  summary: string;
  at: Date;
}

const TASK_VERBS: Partial<Record<EventType, string>> = {
  'todo.task.created.v1': 'created',
  'todo.task.updated.v1': 'changed',
  'todo.task.completed.v1': 'completed',
  'todo.task.reopened.v1': 'reopened',
  'todo.task.deleted.v1': 'deleted',
  'todo.task.restored.v1': 'restored',
};

const COMMENT_VERBS: Partial<Record<EventType, string>> = {
  'todo.comment.created.v1': 'commented on',
  'todo.comment.updated.v1': 'edited a comment on',
  'todo.comment.deleted.v1': 'deleted a comment on',
};

/** Titles are cut so a line stays a line. */
const quote = (title: string) => `"${title.length > 80 ? `${title.slice(0, 79)}…` : title}"`;

/** The activity line of an event, or null when the history does not show it (or it is not valid). */
export function activityOf(event: Pick<CloudEvent, 'id' | 'type' | 'time' | 'data'>): ActivityFact | null {
  const type = event.type;
  const base = { eventId: event.id, type, at: new Date(event.time) };
  const taskVerb = TASK_VERBS[type];
  if (taskVerb) {
    const parsed = EVENT_SCHEMAS['todo.task.created.v1']
      .extend({ changed: EVENT_SCHEMAS['todo.task.updated.v1'].shape.changed.optional() })
      .safeParse(event.data);
    if (!parsed.success) return null;
    const { task, userId, actorId, changed } = parsed.data;
    const what = changed?.length ? ` (${changed.join(', ')})` : '';
    return {
      ...base,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actorId ?? userId,
      summary: `${taskVerb} ${quote(task.title)}${what}`,
    };
  }
  const commentVerb = COMMENT_VERBS[type];
  if (commentVerb) {
    const parsed = EVENT_SCHEMAS['todo.comment.created.v1'].safeParse(event.data);
    if (!parsed.success) return null;
    const { projectId, taskId, taskTitle, userId, actorId } = parsed.data;
    return { ...base, projectId, taskId, actorId: actorId ?? userId, summary: `${commentVerb} ${quote(taskTitle)}` };
  }
  if (type === 'todo.project.created.v1' || type === 'todo.project.updated.v1') {
    const parsed = EVENT_SCHEMAS[type].safeParse(event.data);
    if (!parsed.success) return null;
    const verb = type === 'todo.project.created.v1' ? 'created the project' : 'changed the project';
    return { ...base, projectId: parsed.data.projectId, taskId: null, actorId: parsed.data.userId, summary: verb };
  }
  return null;
}

/** The event types the activity history shows (its subscription's filter). */
export const ACTIVITY_TYPES = [
  ...Object.keys(TASK_VERBS),
  ...Object.keys(COMMENT_VERBS),
  'todo.project.created.v1',
  'todo.project.updated.v1',
] as EventType[];
