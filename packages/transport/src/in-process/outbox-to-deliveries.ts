/**
 * The embedded bus's own relay step: due outbox rows become delivery rows and are marked
 * published by one statement. The outbox and the queues are in the same database, so the move
 * is atomic, and a batch costs one round trip instead of three (claim, insert, mark) — under a
 * steady stream of creates those three were most of the pipeline's PostgreSQL time
 * (docs/benchmarks.md, ninth pass).
 */
import { sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { executeNamed, schema, type Db } from '@todo/storage';
import { admits, type DbKind } from './delivery-store.js';

const { outbox, eventDeliveries: deliveries, eventSubscriptions: subscriptions } = schema;

export interface MovedEvent {
  topic: string;
  event: CloudEvent;
}

/**
 * Moves up to `limit` due outbox rows, oldest first, one delivery row per subscription of its
 * topic whose type filter and JSON path admit it. Delivery rows get their `seq` in outbox order (the select
 * is sorted before `nextval` runs), so each partition key keeps its order. On PostgreSQL, rows
 * another relay is moving are skipped, not waited for.
 */
export async function moveOutboxToDeliveries(db: Db, kind: DbKind, now: Date, limit: number): Promise<MovedEvent[]> {
  const at = now.toISOString();
  const skipLocked = kind === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await executeNamed<{ topic: string; event: CloudEvent | string }>(
    db,
    `todo_move_outbox_${kind}`,
    sql`
    with due as (
      select id from ${outbox}
      where published_at is null and available_at <= ${at}::timestamptz
      order by created_at, id limit ${limit} ${skipLocked}),
    moved as (
      update ${outbox} o set published_at = ${at}::timestamptz, last_error = null
      from due where o.id = due.id
      returning o.id, o.topic, o.partition_key, o.event, o.created_at),
    queued as (
      insert into ${deliveries} (event_id, topic, subscription, partition_key, event, available_at)
      select m.event->>'id', m.topic, s.name, m.partition_key, m.event, ${at}::timestamptz
      from moved m
      join ${subscriptions} s on s.topic = m.topic and ${admits(sql`m.event`)}
      order by m.created_at, m.id, s.name)
    select m.topic, m.event from moved m order by m.created_at, m.id`,
  );
  return result.rows.map((r) => ({
    topic: r.topic,
    event: typeof r.event === 'string' ? (JSON.parse(r.event) as CloudEvent) : r.event,
  }));
}
