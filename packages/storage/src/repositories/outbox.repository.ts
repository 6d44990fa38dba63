/** The transactional outbox: events are rows written in the same transaction as the change. */
import { EVENT_SCHEMAS, EVENT_TOPIC, type CloudEvent, type PendingEvent } from '@todo/domain';
import type { Db } from '../client.js';
import { outbox } from '../schema.js';

export interface OutboxContext {
  newId: () => string;
  now: Date;
  source: string;
  traceparent?: string | undefined;
}

export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Turns pending events into CloudEvents (id = outbox row id) and stores them; returns them. */
  async append(events: readonly PendingEvent[], ctx: OutboxContext): Promise<CloudEvent[]> {
    if (!events.length) return [];
    // Validated on the way out as well as on the way in: a bad payload fails the writing
    // transaction here instead of becoming a poison event for every consumer.
    for (const e of events) EVENT_SCHEMAS[e.type].parse(e.data);
    const cloudEvents: CloudEvent[] = events.map((e) => ({
      specversion: '1.0',
      id: ctx.newId(),
      source: ctx.source,
      type: e.type,
      subject: e.subject,
      time: ctx.now.toISOString(),
      datacontenttype: 'application/json',
      data: e.data,
      partitionkey: e.subject,
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    }));
    await this.db.insert(outbox).values(
      cloudEvents.map((ce) => ({
        id: ce.id,
        topic: EVENT_TOPIC[ce.type],
        type: ce.type,
        partitionKey: ce.partitionkey ?? null,
        event: ce,
        createdAt: ctx.now,
        availableAt: ctx.now,
      })),
    );
    return cloudEvents;
  }
}
