/**
 * Live updates across api replicas: every replica writes each live event to the streams it
 * holds, whichever replica the event reached first. They hear of events on one PostgreSQL
 * channel (LISTEN/NOTIFY):
 * - embedded, the statement that queues an event announces it (`todo_queue_event`, migration
 *   0016; the types are the bus's `announce`);
 * - through Dapr, the bus hands each event to one api replica (replicas share a subscription),
 *   which broadcasts it with `deliver`, through the same SQL function (`todo_announce`).
 *
 * Live updates are best effort (a browser reloads what it missed), so an event is acked
 * without waiting for its broadcast; the events handed over meanwhile go out together, in
 * order, as few notifications as fit — one statement for a burst instead of one per event.
 */
import type { SseHub } from '@todo/api';
import type { CloudEvent } from '@todo/domain';
import type { EventLogService, MemberService } from '@todo/services';
import type { Database, Unlisten } from '@todo/storage';
import { announceEvents, type AnnouncedEvent } from '@todo/transport';
import type { Logger } from 'pino';

export const LIVE_CHANNEL = 'todo_live_events';

/** What browsers are told of. */
export const LIVE_TYPES = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
  'todo.task.restored.v1',
  'todo.task.assigned.v1',
  'todo.member.added.v1',
  'todo.member.updated.v1',
  'todo.member.removed.v1',
  'todo.notification.created.v1',
  'todo.comment.created.v1',
  'todo.comment.updated.v1',
  'todo.comment.deleted.v1',
];

export class LiveFanout {
  private unlisten: Unlisten | undefined;
  private pending: CloudEvent[] = [];
  private flushing: Promise<void> | undefined;
  /** Notifications are handled one after another, so a large event read back keeps its place. */
  private receiving: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      database: Database;
      events: Pick<EventLogService, 'findEvent'>;
      members: Pick<MemberService, 'audience'>;
      hub: SseHub;
      logger: Logger;
    },
  ) {}

  /** Listens for the events announced and broadcast. */
  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.deps.database.notifications.listen(LIVE_CHANNEL, (payload) => {
      this.receiving = this.receiving.then(() => this.received(payload));
    });
  }

  async stop(): Promise<void> {
    await this.settled();
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Hands the event over for its user's streams on every replica (this one included). */
  deliver(event: CloudEvent): void {
    const userId = (event.data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return;
    this.pending.push(event);
    this.flushing ??= this.flush();
  }

  /** Resolves once everything handed over so far has been broadcast. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    // One macrotask lets the deliveries of the same pass join this broadcast.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length) {
      const batch = this.pending.splice(0);
      try {
        await announceEvents(this.deps.database.db, LIVE_CHANNEL, batch);
      } catch (error) {
        this.deps.logger.warn({ err: error, channel: LIVE_CHANNEL, events: batch.length }, 'live updates not broadcast');
      }
    }
    this.flushing = undefined;
  }

  /**
   * A project's change goes to its members as they are now, looked up here at delivery (one
   * indexed read per event on each replica with open streams), never to a former member; a
   * membership change also to the member it is about. Anything else, or a project that is
   * gone, goes to its user.
   */
  private async audience(data: unknown): Promise<string[]> {
    const { userId, projectId, memberId, task } = (data ?? {}) as {
      userId?: unknown;
      projectId?: unknown;
      memberId?: unknown;
      task?: { projectId?: unknown };
    };
    const project = typeof task?.projectId === 'string' ? task.projectId : projectId;
    const members = typeof project === 'string' ? await this.deps.members.audience(project) : null;
    const users = new Set(members ?? (typeof userId === 'string' ? [userId] : []));
    if (typeof memberId === 'string') users.add(memberId);
    return [...users];
  }

  private async received(payload: string): Promise<void> {
    const { hub } = this.deps;
    try {
      for (const envelope of JSON.parse(payload) as AnnouncedEvent[]) {
        // Nothing to do where nobody watches; a large event is read back only where someone does.
        if (!hub.connections) continue;
        const event = 'stored' in envelope ? await this.deps.events.findEvent(envelope.id) : envelope;
        if (event) hub.publishTo(await this.audience(event.data), event);
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, channel: LIVE_CHANNEL }, 'live update not delivered to this replica');
    }
  }
}
