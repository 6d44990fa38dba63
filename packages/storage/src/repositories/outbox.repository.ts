/** The transactional outbox: events are rows written in the same transaction as the change. */
import { EVENT_SCHEMAS, EVENT_TOPIC, type CloudEvent, type PendingEvent } from '@todo/domain';
import { eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { outbox } from '../schema.js';

export interface OutboxContext {
  newId: () => string;
  now: Date;
  source: string;
  traceparent?: string | undefined;
}

/**
 * Pending events as the CloudEvents the outbox stores (id = outbox row id). Validated on the way
 * out as well as on the way in: a bad payload fails the writing statement here instead of
 * becoming a poison event for every consumer.
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
