/**
 * The embedded bus's own relay step: due outbox rows become delivery rows and are marked
 * published by one statement. The outbox and the queues are in the same database, so the move
 * is atomic, and a batch costs one round trip instead of three (claim, insert, mark) — under a
 * steady stream of creates those three were most of the pipeline's PostgreSQL time
 * (bench:events).
 */
import { sql } from 'drizzle-orm';
import { executeRendered, renderStatement, schema, type Db, type RenderedStatement } from '@todo/storage';
import { admits } from './delivery-store.js';

const { outbox, eventDeliveries: deliveries, eventSubscriptions: subscriptions } = schema;

export interface MovedEvent {
  id: string;
  topic: string;
  type: string;
  /** The subscriptions it was queued for (none when no subscription admits it). */
  queuedFor: string[];
}

/**
 * Moved events of the listed types are also sent as a NOTIFY on `channel`, by the same
 * statement, so every process listening hears of them when it commits. The payload is a JSON
 * array of one `AnnouncedEvent`.
 */
export interface Announcement {
  channel: string;
  types: readonly string[];
}

/** An event as announced: whole, or — when it would not fit in a notification — by its id, to be read back. */
export type AnnouncedEvent =
  { id: string; type: string; data: unknown } | { id: string; type: string; userId: string | null; stored: true };

/** NOTIFY payloads must stay under 8000 bytes (migration 0014's trigger keeps to the same bound). */
export const MAX_ANNOUNCED_BYTES = 7_900;

/**
 * Moves up to `limit` due outbox rows, oldest first, one delivery row per subscription of its
 * topic whose type filter and JSON path admit it. Delivery rows get their `seq` in outbox order (the select
 * is sorted before `nextval` runs), so each partition key keeps its order. Rows another relay
 * is moving are skipped, not waited for.
 */
export async function moveOutboxToDeliveries(db: Db, now: Date, limit: number, announce?: Announcement): Promise<MovedEvent[]> {
  const at = now.toISOString();
  const result = await executeRendered<{ id: string; topic: string; type: string; queued_for: string[] | null }>(
    db,
    moveStatement(announce !== undefined),
    { at, limit, ...(announce ? { channel: announce.channel, types: `{${announce.types.join(',')}}` } : {}) },
  );
  return result.rows.map((r) => ({ id: r.id, topic: r.topic, type: r.type, queuedFor: r.queued_for ?? [] }));
}

/** The move, rendered once with and once without the announcement. */
const moves = new Map<boolean, RenderedStatement>();
function moveStatement(announces: boolean): RenderedStatement {
  const cached = moves.get(announces);
  if (cached) return cached;
  const p = (name: string) => sql.placeholder(name);
  // pg_notify is volatile, so it runs after the sort: notifications go out in outbox order.
  const announced = announces
    ? sql`,
    announced as (
      select pg_notify(${p('channel')}, jsonb_build_array(case when octet_length(a.whole::text) < ${MAX_ANNOUNCED_BYTES}
        then a.whole
        else jsonb_build_object('id', m.id, 'type', m.type, 'userId', m.event->'data'->'userId', 'stored', true) end)::text)
      from moved m
      cross join lateral (select jsonb_build_object('id', m.id, 'type', m.type, 'data', m.event->'data') as whole) a
      where m.type = any(${p('types')}::text[])
      order by m.created_at, m.id)`
    : sql``;
  const statement = renderStatement(
    `todo_move_outbox${announces ? '_announced' : ''}`,
    sql`
    with due as (
      select id from ${outbox}
      where published_at is null and available_at <= ${p('at')}::timestamptz
      order by created_at, id limit ${p('limit')} for update skip locked),
    moved as (
      update ${outbox} o set published_at = ${p('at')}::timestamptz, last_error = null
      from due where o.id = due.id
      returning o.id, o.topic, o.type, o.partition_key, o.event, o.created_at),
    queued as (
      insert into ${deliveries} (event_id, topic, subscription, partition_key, event, available_at)
      select m.event->>'id', m.topic, s.name, m.partition_key, m.event, ${p('at')}::timestamptz
      from moved m
      join ${subscriptions} s on s.topic = m.topic and ${admits(sql`m.event`)}
      order by m.created_at, m.id, s.name
      returning event_id, subscription)${announced}
    select m.id, m.topic, m.type, q.queued_for from moved m
    left join (select event_id, array_agg(subscription) queued_for from queued group by event_id) q on q.event_id = m.id::text
    ${announces ? sql`cross join (select count(*) from announced) n` : sql``}
    order by m.created_at, m.id`,
  );
  moves.set(announces, statement);
  return statement;
}
