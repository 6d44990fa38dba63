/**
 * The one typed event map. Topic names, event types and payload schemas live
 * here only; publishers and subscribers are generic over it, so a misspelt type or a wrong
 * payload fails to compile, and consumers re-validate payloads with the same zod schema.
 */
import { z } from 'zod';
import { Notification } from './schemas.js';
import { Comment } from './projects/comment.schema.js';
import { Task } from './tasks/task.schema.js';

export const TOPICS = {
  taskEvents: 'task-events',
  taskReminders: 'task-reminders',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const deadLetterTopic = (topic: Topic): `${Topic}-dlq` => `${topic}-dlq`;

/**
 * `userId`: the task's creator; `actorId`: who made the change (absent in events written before
 * it was recorded: then the creator).
 */
const TaskSnapshot = z.object({ userId: z.uuid(), actorId: z.uuid().optional(), task: Task });
/** `userId`: who made the change. */
const ProjectChange = z.object({ userId: z.uuid(), projectId: z.uuid() });
/** `userId` (= `actorId`): who wrote, edited or deleted the comment; `projectId`: the task's project then. */
const CommentChange = z.object({
  userId: z.uuid(),
  actorId: z.uuid().optional(),
  projectId: z.uuid(),
  taskId: z.uuid(),
  taskTitle: z.string(),
  comment: Comment,
});
/** `userId`: who made the change; `memberId`: whose membership changed; `role`: theirs now (removed: was). */
const MemberChange = ProjectChange.extend({ memberId: z.uuid(), role: z.enum(['owner', 'admin', 'editor', 'viewer']) });

export const EVENT_SCHEMAS = {
  'todo.task.created.v1': TaskSnapshot,
  'todo.task.updated.v1': TaskSnapshot.extend({
    changed: z.array(z.string()).describe('Names of the task fields this update changed'),
  }),
  'todo.task.completed.v1': TaskSnapshot,
  'todo.task.reopened.v1': TaskSnapshot,
  'todo.task.deleted.v1': TaskSnapshot,
  /** A deleted task is back (undo), with its id, number, tags and reminders: as if created again. */
  'todo.task.restored.v1': TaskSnapshot,
  'todo.reminder.due.v1': z.object({
    userId: z.uuid(),
    taskId: z.uuid(),
    reminderId: z.uuid(),
    /** The instant this reminder occurrence was due to fire; with reminderId, its natural key. */
    fireAt: z.iso.datetime(),
    /**
     * Set when the user had Web Push devices at emission: the embedded bus queues the event for
     * the push subscription only then, so that users without devices cost it nothing.
     */
    push: z.literal(true).optional(),
  }),
  /** A project was created, changed (name, colour, nesting, archive) or deleted with its tasks. */
  'todo.project.created.v1': ProjectChange,
  'todo.project.updated.v1': ProjectChange,
  'todo.project.deleted.v1': ProjectChange,
  /** A comment on a task was written, edited or deleted (`comment`: as it is, or was, last). */
  'todo.comment.created.v1': CommentChange,
  'todo.comment.updated.v1': CommentChange,
  'todo.comment.deleted.v1': CommentChange,
  /** Someone joined a project (accepted an invitation), got another role, or left or was removed. */
  'todo.member.added.v1': MemberChange,
  'todo.member.updated.v1': MemberChange,
  'todo.member.removed.v1': MemberChange,
  /** A task got another assignee (or none): `userId` is the task's creator, as in every task event; `actorId` who assigned. */
  'todo.task.assigned.v1': TaskSnapshot.extend({
    assigneeId: z.uuid().nullable(),
    previous: z.uuid().nullable(),
    actorId: z.uuid(),
  }),
  /** An in-app notification was written (drives the SSE stream and the notification centre). */
  'todo.notification.created.v1': z.object({ userId: z.uuid(), notification: Notification }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export const EVENT_TOPIC: { readonly [T in EventType]: Topic } = {
  'todo.task.created.v1': TOPICS.taskEvents,
  'todo.task.updated.v1': TOPICS.taskEvents,
  'todo.task.completed.v1': TOPICS.taskEvents,
  'todo.task.reopened.v1': TOPICS.taskEvents,
  'todo.task.deleted.v1': TOPICS.taskEvents,
  'todo.task.restored.v1': TOPICS.taskEvents,
  'todo.project.created.v1': TOPICS.taskEvents,
  'todo.project.updated.v1': TOPICS.taskEvents,
  'todo.project.deleted.v1': TOPICS.taskEvents,
  'todo.comment.created.v1': TOPICS.taskEvents,
  'todo.comment.updated.v1': TOPICS.taskEvents,
  'todo.comment.deleted.v1': TOPICS.taskEvents,
  'todo.member.added.v1': TOPICS.taskEvents,
  'todo.member.updated.v1': TOPICS.taskEvents,
  'todo.member.removed.v1': TOPICS.taskEvents,
  'todo.task.assigned.v1': TOPICS.taskEvents,
  'todo.reminder.due.v1': TOPICS.taskReminders,
  'todo.notification.created.v1': TOPICS.taskReminders,
};

/** A CloudEvents 1.0 envelope (JSON format). `id` is the outbox row id, so consumers de-duplicate on it. */
export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: EventData<T>;
  /** W3C trace context of the request that caused the event (CloudEvents distributed-tracing extension). */
  traceparent?: string;
  /** Kafka partition key: the task id keeps one task's events in order. */
  partitionkey?: string;
}

/** An event a use case wants published, before the outbox gives it an id and a time. */
export interface PendingEvent<T extends EventType = EventType> {
  type: T;
  subject: string;
  data: EventData<T>;
}

export const pendingEvent = <T extends EventType>(type: T, subject: string, data: EventData<T>): PendingEvent<T> => ({
  type,
  subject,
  data,
});

/** What turning pending events into CloudEvents needs: ids, the time, the source, the trace. */
export interface OutboxContext {
  newId: () => string;
  now: Date;
  source: string;
  traceparent?: string | undefined;
}

/**
 * Pending events as the CloudEvents the outbox stores (id = outbox row id). Validated on the way
 * out as well as on the way in: a bad payload fails the writing statement instead of becoming
 * a poison event for every consumer.
 */
export function toCloudEvents(events: readonly PendingEvent[], ctx: OutboxContext): { topic: string; event: CloudEvent }[] {
  for (const e of events) EVENT_SCHEMAS[e.type].parse(e.data);
  return events.map((e) => ({
    topic: EVENT_TOPIC[e.type],
    event: {
      specversion: '1.0' as const,
      id: ctx.newId(),
      source: ctx.source,
      type: e.type,
      subject: e.subject,
      time: ctx.now.toISOString(),
      datacontenttype: 'application/json',
      data: e.data,
      partitionkey: e.subject,
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    },
  }));
}

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_SCHEMAS, type);

/** Validates an incoming event against the map; consumers re-check what crossed a process boundary. */
export function parseEventData<T extends EventType>(
  event: { type: string; data: unknown },
  type: T,
): { ok: true; data: EventData<T> } | { ok: false; reason: string } {
  if (event.type !== type) return { ok: false, reason: `expected ${type}, got ${event.type}` };
  const parsed = EVENT_SCHEMAS[type].safeParse(event.data);
  return parsed.success
    ? { ok: true, data: parsed.data as EventData<T> }
    : {
        ok: false,
        reason: `invalid ${type} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      };
}
