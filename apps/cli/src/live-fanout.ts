/**
 * Live updates across api replicas. The bus hands each event to one replica of the api role
 * (replicas share a subscription), but a user's browser tabs may be connected to any of them.
 * So the replica that receives an event broadcasts it with PostgreSQL NOTIFY, and every
 * replica writes it to the streams it holds. A PGlite database belongs to one process, whose
 * api role is then the only one: it writes to its streams directly.
 *
 * Live updates are best effort (a browser reloads what it missed), so an event is acked
 * without waiting for its broadcast; the events handed over meanwhile go out together, in
 * order, as few notifications as fit — one statement for a burst instead of one per event.
 */
import type { SseHub } from '@todo/api';
import type { CloudEvent } from '@todo/domain';
import type { Database, Store, Unlisten } from '@todo/storage';
import type { Logger } from 'pino';

const CHANNEL = 'todo_live_events';
/** NOTIFY payloads must stay under 8000 bytes; a larger event travels as its id. */
const MAX_PAYLOAD_BYTES = 7_900;

type Envelope = { id: string; type: string; data: unknown } | { id: string; type: string; userId: string; stored: true };

export class LiveFanout {
  private unlisten: Unlisten | undefined;
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;
  /** Notifications are handled one after another, so a large event read back keeps its place. */
  private receiving: Promise<void> = Promise.resolve();

  /** Without a `hub` (a process without the api role) it only broadcasts. */
  constructor(private readonly deps: { database: Database; store: Store; hub?: SseHub; logger: Logger }) {}

  /** Listens for what other replicas broadcast. */
  async start(): Promise<void> {
    if (this.deps.database.kind === 'pglite' || this.unlisten || !this.deps.hub) return;
    this.unlisten = await this.deps.database.notifications.listen(CHANNEL, (payload) => {
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
    if (this.deps.database.kind === 'pglite') return this.deps.hub?.publish(event);
    const userId = (event.data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return;
    const whole = JSON.stringify({ id: event.id, type: event.type, data: event.data } satisfies Envelope);
    this.pending.push(
      Buffer.byteLength(whole) < MAX_PAYLOAD_BYTES - 2
        ? whole
        : JSON.stringify({ id: event.id, type: event.type, userId, stored: true } satisfies Envelope),
    );
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
      const batch = takeBatch(this.pending);
      try {
        await this.deps.database.notifications.notify(CHANNEL, `[${batch.join(',')}]`);
      } catch (error) {
        this.deps.logger.warn({ err: error, channel: CHANNEL, events: batch.length }, 'live updates not broadcast');
      }
    }
    this.flushing = undefined;
  }

  private async received(payload: string): Promise<void> {
    const { hub } = this.deps;
    if (!hub) return;
    try {
      for (const envelope of JSON.parse(payload) as Envelope[]) {
        if (!('stored' in envelope)) {
          hub.publish(envelope);
          continue;
        }
        // Read the large event back only where its user is watching.
        if (!hub.watching(envelope.userId)) continue;
        const event = await this.deps.store.repos.outbox.findEvent(envelope.id);
        if (event) hub.publish(event);
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, channel: CHANNEL }, 'live update not delivered to this replica');
    }
  }
}

/** Takes from the front of `queue` as many envelopes as fit in one notification (at least one). */
function takeBatch(queue: string[]): string[] {
  let bytes = 2;
  let count = 0;
  while (count < queue.length) {
    const size = Buffer.byteLength(queue[count]!) + 1;
    if (count > 0 && bytes + size > MAX_PAYLOAD_BYTES) break;
    bytes += size;
    count++;
  }
  return queue.splice(0, count);
}
