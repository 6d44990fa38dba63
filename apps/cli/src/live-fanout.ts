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
import type { EventLogService } from '@todo/services';
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
    private readonly deps: { database: Database; events: Pick<EventLogService, 'findEvent'>; hub: SseHub; logger: Logger },
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

  private async received(payload: string): Promise<void> {
    const { hub } = this.deps;
    try {
      for (const envelope of JSON.parse(payload) as AnnouncedEvent[]) {
        if (!('stored' in envelope)) {
          hub.publish(envelope);
          continue;
        }
        // Read the large event back only where its user is watching.
        if (envelope.userId === null || !hub.watching(envelope.userId)) continue;
        const event = await this.deps.events.findEvent(envelope.id);
        if (event) hub.publish(event);
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, channel: LIVE_CHANNEL }, 'live update not delivered to this replica');
    }
  }
}
