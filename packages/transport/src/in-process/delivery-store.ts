/**
 * The SQL of the embedded broker, kept apart from the dispatching logic. Every statement is
 * short and none waits on a handler: handlers always run outside transactions, so a slow one
 * holds no connection or lock. Which subscriptions take an event is not decided here but in
 * the database (`todo_queue_event`, migration 0016), the one rule for every way in.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { executeRendered, renderStatement, schema, type Db, type RenderedStatement } from '@todo/storage';

const { eventDeliveries: deliveries, eventSubscriptions: subscriptions, eventAnnouncements, deadLetters } = schema;

export type DeliveryRow = typeof deliveries.$inferSelect;

export interface SubscriptionRecord {
  topic: string;
  name: string;
  types: readonly string[] | undefined;
  nonEmpty: readonly string[] | undefined;
  deadLetterTopic: string;
}

/** Makes every process on this database aware of this process's consumers. */
export async function upsertSubscriptions(db: Db, records: readonly SubscriptionRecord[], now: Date): Promise<void> {
  if (!records.length) return;
  await db
    .insert(subscriptions)
    .values(
      records.map((r) => ({
        topic: r.topic,
        name: r.name,
        types: r.types ? [...r.types] : null,
        nonEmpty: r.nonEmpty ? [...r.nonEmpty] : null,
        deadLetterTopic: r.deadLetterTopic,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [subscriptions.topic, subscriptions.name],
      set: {
        types: sql`excluded.types`,
        nonEmpty: sql`excluded.non_empty`,
        deadLetterTopic: sql`excluded.dead_letter_topic`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** Which event types are announced on a channel as they are queued (`todo_queue_event`), for every process on this database. */
export async function upsertAnnouncement(
  db: Db,
  announcement: { channel: string; types: readonly string[] },
  now: Date,
): Promise<void> {
  await db
    .insert(eventAnnouncements)
    .values({ channel: announcement.channel, types: [...announcement.types], updatedAt: now })
    .onConflictDoUpdate({ target: eventAnnouncements.channel, set: { types: sql`excluded.types`, updatedAt: now } });
}

/** An event as announced (`todo_announce`): whole, or — when it would not fit in a notification — by its id, to be read back. */
export type AnnouncedEvent =
  { id: string; type: string; data: unknown } | { id: string; type: string; userId: string | null; stored: true };

/**
 * Announces events on `channel`, in order, as few notifications as fit, each a JSON array of
 * `AnnouncedEvent` — the same function that announces what the embedded runtime queues, for a
 * runtime whose events arrive from elsewhere (Dapr). One statement.
 */
export async function announceEvents(db: Db, channel: string, events: readonly CloudEvent[]): Promise<void> {
  if (!events.length) return;
  await executeRendered(db, announceStatement, { channel, events: JSON.stringify(events) });
}

/** Where `todo_queue_event` says which subscription got rows: a JSON `[topic, name]` (migration 0016). */
export const DELIVERY_CHANNEL = 'todo_event_deliveries';

/**
 * Queues an event for every subscription that admits it, through the one rule every writer's
 * event goes through (`todo_queue_event`, migration 0016): one round trip. `announce` is false
 * for an event that was announced when it was first queued (dead-letter forwarding, replay).
 * Returns how many subscriptions took it.
 */
export async function queueEvent(
  db: Db,
  input: { topic: string; event: CloudEvent; key: string | null; now: Date; announce: boolean },
): Promise<number> {
  const { rows } = await executeRendered<{ taken: number }>(db, queueStatement, {
    topic: input.topic,
    key: input.key,
    event: JSON.stringify(input.event),
    at: input.now.toISOString(),
    announce: input.announce,
  });
  return Number(rows[0]?.taken ?? 0);
}

const p = (name: string) => sql.placeholder(name);
const queueStatement = renderStatement(
  'todo_queue_event',
  sql`select todo_queue_event(${p('topic')}, ${p('key')}, ${p('event')}::jsonb, ${p('at')}::timestamptz, ${p('announce')}::boolean) as taken`,
);

/**
 * Queues what a writer that does not deliver in place left in the outbox, up to `max` rows, and
 * deletes kept rows written before `pruneBefore` when given (`todo_deliver_outbox`, migration
 * 0016). Returns how many rows it queued.
 */
export async function sweepOutbox(
  db: Db,
  input: { now: Date; max: number; retryAt: Date; pruneBefore: Date | null },
): Promise<number> {
  const { rows } = await executeRendered<{ taken: number }>(db, sweepStatement, {
    now: input.now.toISOString(),
    max: input.max,
    retryAt: input.retryAt.toISOString(),
    pruneBefore: input.pruneBefore?.toISOString() ?? null,
  });
  return Number(rows[0]?.taken ?? 0);
}

const announceStatement = renderStatement('todo_announce', sql`select todo_announce(${p('channel')}, ${p('events')}::jsonb)`);

const sweepStatement = renderStatement(
  'todo_deliver_outbox',
  sql`select todo_deliver_outbox(${p('now')}::timestamptz, ${p('max')}::int, ${p('retryAt')}::timestamptz, ${p('pruneBefore')}::timestamptz) as taken`,
);

const instant = (value: unknown): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(String(value));

/** A row of `event_deliveries` as the driver returns it, as Drizzle would map it. */
function toDeliveryRow(r: Record<string, unknown>): DeliveryRow {
  return {
    seq: Number(r.seq),
    eventId: String(r.event_id),
    topic: String(r.topic),
    subscription: String(r.subscription),
    partitionKey: r.partition_key === null ? null : String(r.partition_key),
    event: typeof r.event === 'string' ? (JSON.parse(r.event) as unknown) : r.event,
    attempts: Number(r.attempts),
    availableAt: instant(r.available_at)!,
    lockedUntil: instant(r.locked_until),
    lastError: r.last_error === null ? null : String(r.last_error),
  };
}

/** A PostgreSQL array literal of integers, for `= any($1::bigint[])`. */
const intArray = (values: readonly number[]): string => `{${values.join(',')}}`;

/**
 * The two statements every delivery runs — the claim and the acknowledgement — rendered once
 * and sent as named (prepared) statements: building a Drizzle query costs about three times what
 * sending it does (measured 440 µs against 120 µs of CPU per call), and these run for every
 * event and subscription.
 */
export class DeliveryQueries {
  private readonly claimStatement: RenderedStatement;
  private readonly ackStatement: RenderedStatement;

  constructor(private readonly db: Db) {
    // Functions of migrations 0011 and 0012: the claim takes its rows, where they are, and their
    // followers, and the acknowledgement deletes by key, both planned with index scans only,
    // whatever the queue's statistics say. Why the earlier-row check and the followers matter:
    // see migration 0011.
    this.claimStatement = renderStatement(
      'todo_claim_deliveries',
      sql`select * from todo_claim_deliveries(${p('topic')}, ${p('name')}, ${p('now')}::timestamptz, ${p('lease')}::timestamptz, ${p('limit')}::int, ${p('followers')}::int)`,
    );
    this.ackStatement = renderStatement('todo_ack_deliveries', sql`select todo_ack_deliveries(${p('seqs')}::bigint[])`);
  }

  /**
   * Leases the oldest due deliveries of one subscription, oldest first: up to `limit` heads
   * (rows with no earlier pending row of their partition key) and up to `followers` rows right
   * behind them, which must be handled after their head, in order.
   */
  async claim(q: {
    topic: string;
    name: string;
    now: Date;
    lease: Date;
    limit: number;
    followers: number;
  }): Promise<DeliveryRow[]> {
    const { rows: found } = await executeRendered<Record<string, unknown>>(this.db, this.claimStatement, {
      topic: q.topic,
      name: q.name,
      now: q.now.toISOString(),
      lease: q.lease.toISOString(),
      limit: q.limit,
      followers: q.followers,
    });
    const rows = found.map(toDeliveryRow);
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /** Removes handled deliveries, a whole pass's worth in one statement. */
  async delete(seqs: readonly number[]): Promise<void> {
    if (seqs.length) await executeRendered(this.db, this.ackStatement, { seqs: intArray(seqs) });
  }
}

/** Hands claimed-but-unstarted rows back (on stop, or when a batch outlives half its lease). */
export async function releaseDeliveries(db: Db, seqs: readonly number[], lease: Date): Promise<void> {
  if (!seqs.length) return;
  await db
    .update(deliveries)
    .set({ lockedUntil: null })
    .where(and(inArray(deliveries.seq, [...seqs]), eq(deliveries.lockedUntil, lease)));
}

/** Schedules the next attempt, unless another dispatcher took the row over after our lease ran out. */
export async function retryDelivery(
  db: Db,
  row: DeliveryRow,
  lease: Date,
  next: { attempts: number; availableAt: Date; lastError: string },
): Promise<void> {
  await db
    .update(deliveries)
    .set({ attempts: next.attempts, availableAt: next.availableAt, lastError: next.lastError, lockedUntil: null })
    .where(and(eq(deliveries.seq, row.seq), eq(deliveries.lockedUntil, lease)));
}

/**
 * Moves a delivery whose retry budget is spent to `dead_letters` and forwards the event to the
 * dead-letter topic's subscribers, atomically with removing the delivery. Returns the dead
 * letter's id, or null when the row was no longer ours.
 */
export async function deadLetterDelivery(
  db: Db,
  input: { row: DeliveryRow; lease: Date; attempts: number; reason: string; deadLetterTopic: string; now: Date },
): Promise<string | null> {
  const { row } = input;
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(deliveries)
      .where(and(eq(deliveries.seq, row.seq), eq(deliveries.lockedUntil, input.lease)))
      .returning({ seq: deliveries.seq });
    if (!removed.length) return null;
    const event = row.event as CloudEvent;
    const id = randomUUID();
    await tx.insert(deadLetters).values({
      id,
      topic: row.topic,
      subscription: row.subscription,
      eventId: row.eventId,
      eventType: typeof event.type === 'string' ? event.type : null,
      event: row.event,
      reason: input.reason,
      attempts: input.attempts,
      createdAt: input.now,
    });
    await queueEvent(tx, { topic: input.deadLetterTopic, event, key: row.partitionKey, now: input.now, announce: false });
    return id;
  });
}

/** Re-queues a dead letter for the subscription that gave up on it; null if unknown or already replayed. */
export async function replayDeadLetter(db: Db, id: string, now: Date): Promise<{ topic: string } | null> {
  return db.transaction(async (tx) => {
    const [letter] = await tx
      .update(deadLetters)
      .set({ replayedAt: now })
      .where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
      .returning();
    if (!letter) return null;
    const event = letter.event as CloudEvent;
    const key = event.partitionkey ?? null;
    if (letter.subscription === null) {
      // Recorded without a subscription (e.g. imported from a broker's DLQ): every consumer gets it again.
      await queueEvent(tx, { topic: letter.topic, event, key, now, announce: false });
    } else {
      await tx.insert(deliveries).values({
        eventId: letter.eventId,
        topic: letter.topic,
        subscription: letter.subscription,
        partitionKey: key,
        event,
        availableAt: now,
      });
    }
    return { topic: letter.topic };
  });
}
