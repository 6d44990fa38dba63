/**
 * The SQL of the embedded broker, kept apart from the dispatching logic. Every statement is
 * short and none waits on a handler: on PGlite (one connection) a transaction blocks every
 * other query, so handlers always run outside transactions.
 */
import { randomUUID } from 'node:crypto';
import {
  and,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  notExists,
  or,
  sql,
  type SQLWrapper,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { CloudEvent } from '@todo/domain';
import { executeNamed, schema, type Db } from '@todo/storage';

const { eventDeliveries: deliveries, eventSubscriptions: subscriptions, deadLetters } = schema;

export type DbKind = 'pglite' | 'postgres';
export type DeliveryRow = typeof deliveries.$inferSelect;

export interface SubscriptionRecord {
  topic: string;
  name: string;
  types: readonly string[] | undefined;
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
        deadLetterTopic: r.deadLetterTopic,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [subscriptions.topic, subscriptions.name],
      set: {
        types: sql`excluded.types`,
        deadLetterTopic: sql`excluded.dead_letter_topic`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/**
 * One delivery row per known subscription of `topic` whose type filter admits the event — the
 * lookup and the insert are one statement, so publishing costs one round trip.
 */
export async function insertDeliveries(
  db: Db,
  input: { topic: string; event: CloudEvent; key: string | null; now: Date },
): Promise<number> {
  const result = (await db.execute(sql`
    insert into ${deliveries} (event_id, topic, subscription, partition_key, event, available_at)
    select ${input.event.id}, ${input.topic}, s.name, ${input.key}, ${JSON.stringify(input.event)}::jsonb, ${input.now.toISOString()}::timestamptz
    from ${subscriptions} s
    where s.topic = ${input.topic} and (s.types is null or ${input.event.type} = any(s.types))`)) as {
    rowCount?: number | null;
    affectedRows?: number;
  };
  return result.rowCount ?? result.affectedRows ?? 0;
}

export interface OutboundEvent {
  topic: string;
  event: CloudEvent;
  key: string | null;
}

/**
 * `insertDeliveries` for a whole relay batch in one statement. Rows get their `seq` in batch
 * order (the select is sorted and `nextval` runs after the sort), so each key keeps its order.
 */
export async function insertDeliveryBatch(db: Db, events: readonly OutboundEvent[], now: Date): Promise<void> {
  if (!events.length) return;
  const items = JSON.stringify(events.map((e) => ({ topic: e.topic, key: e.key, event: e.event })));
  await executeNamed(
    db,
    'todo_insert_delivery_batch',
    sql`
    insert into ${deliveries} (event_id, topic, subscription, partition_key, event, available_at)
    select x.item->'event'->>'id', x.item->>'topic', s.name, x.item->>'key', x.item->'event', ${now.toISOString()}::timestamptz
    from jsonb_array_elements(${items}::jsonb) with ordinality as x(item, ord)
    join ${subscriptions} s on s.topic = x.item->>'topic' and (s.types is null or x.item->'event'->>'type' = any(s.types))
    order by x.ord, s.name`,
  );
}

type KeyColumns = Record<'topic' | 'subscription' | 'partitionKey', SQLWrapper>;

/** Rows of one subscription's queue with the same partition key (never true for rows without one). */
const sameQueueAndKey = (a: KeyColumns, b: KeyColumns) =>
  and(eq(a.topic, b.topic), eq(a.subscription, b.subscription), eq(a.partitionKey, b.partitionKey));

/** A PostgreSQL array literal of integers, for `= any($1::bigint[])` on both engines. */
const intArray = (values: readonly number[]): string => `{${values.join(',')}}`;

/**
 * The two statements every delivery runs — the claim and the acknowledgement — built once per
 * bus and prepared: building a Drizzle query costs about three times what sending it does
 * (measured 440 µs against 120 µs of CPU per call), and these run for every event and
 * subscription.
 */
export class DeliveryQueries {
  private readonly claimStatement;
  private readonly ackStatement;

  constructor(db: Db, kind: DbKind) {
    const earlier = alias(deliveries, 'earlier');
    const oldest = alias(deliveries, 'oldest');
    const now = sql.placeholder('now');
    // Every acknowledged row leaves a dead index entry until the next vacuum (a minute or more of
    // them under load). A bitmap scan of the subscription read all of them on every claim: 2 ms
    // per claim at 1,000 tasks/s. Acknowledged rows are the oldest ones, so the claim starts at
    // the subscription's oldest row (`min(seq)`, an index scan that stops at the first live entry)
    // and reads from there on, whatever plan PostgreSQL picks for the rest.
    const floor = db
      .select({ seq: sql`min(${oldest.seq})` })
      .from(oldest)
      .where(and(eq(oldest.subscription, sql.placeholder('name')), isNotNull(oldest.availableAt)));
    const due = db
      .select({
        seq: deliveries.seq,
        topic: deliveries.topic,
        subscription: deliveries.subscription,
        partitionKey: deliveries.partitionKey,
      })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.topic, sql.placeholder('topic')),
          eq(deliveries.subscription, sql.placeholder('name')),
          gte(deliveries.seq, sql`(${floor})`),
          lte(deliveries.availableAt, now),
          or(isNull(deliveries.lockedUntil), lte(deliveries.lockedUntil, now)),
          // A row waits while an earlier row of its partition key is still pending, so one key's
          // events are handled in publish order even across processes; other keys go on.
          notExists(
            db
              .select({ one: sql`1` })
              .from(earlier)
              .where(and(sameQueueAndKey(earlier, deliveries), lt(earlier.seq, deliveries.seq))),
          ),
        ),
      )
      .orderBy(deliveries.seq)
      .limit(sql.placeholder('limit'))
      .$dynamic();
    // Row locks only matter when several connections claim at once; PGlite has one.
    const heads = db.$with('heads').as(kind === 'postgres' ? due.for('update', { skipLocked: true }) : due);
    // The rows right behind each head, in order: nobody else can claim them while we hold their
    // head, so they come along instead of waiting for a claim each. Finding heads means passing
    // every row that waits behind one, so with many events on few keys (a task edited in a
    // burst) one head per key per claim made a backlog quadratic: 941 events/s at 20,000
    // events on 50 keys (docs/benchmarks.md, sixth pass). Taken in publish order across keys,
    // so each key gets a prefix of its rows.
    const next = alias(deliveries, 'next');
    const run = db
      .select({ seq: next.seq })
      .from(next)
      .where(and(sameQueueAndKey(next, heads), gt(next.seq, heads.seq)))
      .orderBy(next.seq)
      .limit(sql.placeholder('followers'))
      .as('run');
    const followers = db
      .$with('followers')
      .as(db.select({ seq: run.seq }).from(heads).crossJoinLateral(run).orderBy(run.seq).limit(sql.placeholder('followers')));
    const claimable = db.$with('claimable').as(
      db
        .select({ seq: heads.seq })
        .from(heads)
        .unionAll(db.select({ seq: followers.seq }).from(followers)),
    );
    // The rows to claim are chosen once, in a CTE, then updated by key. As `seq in (subquery)`
    // the plan PostgreSQL cached while the table was empty ran the subquery again for every row
    // (a semi join): one claim over 5,000 pending rows ran for minutes (docs/benchmarks.md).
    this.claimStatement = db
      .with(heads, followers, claimable)
      .update(deliveries)
      .set({ lockedUntil: sql`${sql.placeholder('lease')}::timestamptz` })
      .from(claimable)
      .where(eq(deliveries.seq, claimable.seq))
      .returning(getTableColumns(deliveries))
      .prepare(`todo_claim_deliveries_${kind}`);
    this.ackStatement = db
      .delete(deliveries)
      .where(sql`${deliveries.seq} = any(${sql.placeholder('seqs')}::bigint[])`)
      .prepare('todo_ack_deliveries');
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
    const rows = await this.claimStatement.execute({
      topic: q.topic,
      name: q.name,
      now: q.now.toISOString(),
      lease: q.lease.toISOString(),
      limit: q.limit,
      followers: q.followers,
    });
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /** Removes handled deliveries, a whole pass's worth in one statement. */
  async delete(seqs: readonly number[]): Promise<void> {
    if (seqs.length) await this.ackStatement.execute({ seqs: intArray(seqs) });
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
    await insertDeliveries(tx, { topic: input.deadLetterTopic, event, key: row.partitionKey, now: input.now });
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
      await insertDeliveries(tx, { topic: letter.topic, event, key, now });
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
