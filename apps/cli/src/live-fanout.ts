/**
 * Live updates across api replicas. The bus hands each event to one replica of the api role
 * (replicas share a subscription), but a user's browser tabs may be connected to any of them.
 * So the replica that receives an event broadcasts it with PostgreSQL NOTIFY, and every
 * replica writes it to the streams it holds. A PGlite database belongs to one process, whose
 * api role is then the only one: it writes to its streams directly.
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

  constructor(private readonly deps: { database: Database; store: Store; hub: SseHub; logger: Logger }) {}

  /** Listens for what other replicas broadcast. */
  async start(): Promise<void> {
    if (this.deps.database.kind === 'pglite' || this.unlisten) return;
    this.unlisten = await this.deps.database.notifications.listen(CHANNEL, (payload) => void this.received(payload));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Writes the event to its user's streams on every replica (this one included). */
  async deliver(event: CloudEvent): Promise<void> {
    if (this.deps.database.kind === 'pglite') return this.deps.hub.publish(event);
    const userId = (event.data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return;
    const whole = JSON.stringify({ id: event.id, type: event.type, data: event.data } satisfies Envelope);
    const payload =
      Buffer.byteLength(whole) <= MAX_PAYLOAD_BYTES
        ? whole
        : JSON.stringify({ id: event.id, type: event.type, userId, stored: true } satisfies Envelope);
    await this.deps.database.notifications.notify(CHANNEL, payload);
  }

  private async received(payload: string): Promise<void> {
    try {
      const envelope = JSON.parse(payload) as Envelope;
      if (!('stored' in envelope)) return this.deps.hub.publish(envelope);
      // Read the large event back only where its user is watching.
      if (!this.deps.hub.watching(envelope.userId)) return;
      const event = await this.deps.store.repos.outbox.findEvent(envelope.id);
      if (event) this.deps.hub.publish(event);
    } catch (error) {
      this.deps.logger.warn({ err: error, channel: CHANNEL }, 'live update not delivered to this replica');
    }
  }
}
