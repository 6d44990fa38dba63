/** The transactional outbox: events are rows written in the same transaction as the change. */
import { toCloudEvents, type CloudEvent, type OutboxContext, type PendingEvent } from '@todo/domain';
import { eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { outbox } from '../schema.js';

export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Stores pending events as CloudEvents in the outbox; returns them. */
  async append(events: readonly PendingEvent[], ctx: OutboxContext): Promise<CloudEvent[]> {
    if (!events.length) return [];
    const rows = toCloudEvents(events, ctx);
    await this.db.insert(outbox).values(
      rows.map(({ topic, event }) => ({
        id: event.id,
        topic,
        type: event.type,
        partitionKey: event.partitionkey ?? null,
        event,
        createdAt: ctx.now,
        availableAt: ctx.now,
      })),
    );
    return rows.map((r) => r.event);
  }

  /** A stored event by its id (outbox rows are kept for a day after they are published). */
  async findEvent(id: string): Promise<CloudEvent | null> {
    const [row] = await this.db.select({ event: outbox.event }).from(outbox).where(eq(outbox.id, id));
    return (row?.event as CloudEvent | undefined) ?? null;
  }
}
