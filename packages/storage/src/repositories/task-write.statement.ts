/**
 * Writes that change a task together with their outbox events in one statement. A single
 * statement is atomic on its own, so these need no BEGIN/COMMIT and cost one round trip.
 */
import { sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import type { Db } from '../db.js';
import { executeNamed } from '../named-statement.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Completes or reopens a task and stores its events in one statement, if the task is still as
 * the caller read it (`updated_at` unchanged, and not yet in the new state): optimistic, so no
 * transaction holds the row between the read and the write. Returns false when the task
 * changed or vanished meanwhile.
 */
export async function setCompletedWithEvents(
  db: Db,
  change: { userId: string; id: string; readUpdatedAt: Date; completedAt: Date | null; updatedAt: Date },
  events: readonly { topic: string; event: CloudEvent }[],
): Promise<boolean> {
  const now = change.updatedAt.toISOString();
  const result = await executeNamed<{ changed: number }>(
    db,
    'todo_set_completed_with_events',
    sql`
    with changed as (
      update tasks set completed_at = ${iso(change.completedAt)}::timestamptz, updated_at = ${now}::timestamptz
      where user_id = ${change.userId}::uuid and id = ${change.id}::uuid
        and date_trunc('milliseconds', updated_at) = ${change.readUpdatedAt.toISOString()}::timestamptz
        and (completed_at is null) = ${change.completedAt !== null}
      returning id),
    emitted as (
      insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
      select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
        x.item->'event', ${now}::timestamptz, ${now}::timestamptz
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as x(item, ord)
      where exists (select 1 from changed)
      order by x.ord)
    select count(*)::int as changed from changed`,
  );
  return Number(result.rows[0]?.changed ?? 0) > 0;
}
