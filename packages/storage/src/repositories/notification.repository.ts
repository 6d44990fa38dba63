/** In-app notifications and dead letters: what users and operators read about delivered events. */
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { CloudEvent, Notification } from '@todo/domain';
import type { Db } from '../db.js';
import { executeNamed } from '../named-statement.js';
import { deadLetters, notifications } from '../schema-delivery.js';

type NotificationRow = typeof notifications.$inferSelect;

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  taskId: r.taskId,
  reminderId: r.reminderId,
  fireAt: r.fireAt.toISOString(),
  title: r.title,
  body: r.body,
  readAt: r.readAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export class NotificationRepository {
  constructor(private readonly db: Db) {}

  /**
   * The notification of a reminder occurrence, once (a repeat writes nothing), and, only when
   * the row was new, its events' outbox rows, in one statement (one round trip, no
   * transaction). True when the notification was written.
   */
  async insertOnceWithEvents(
    row: Omit<typeof notifications.$inferInsert, 'readAt' | 'createdAt'> & { createdAt: Date },
    events: readonly { topic: string; event: CloudEvent }[],
  ): Promise<boolean> {
    const now = row.createdAt.toISOString();
    const result = await executeNamed<{ created: number }>(
      this.db,
      'todo_insert_notification_once',
      sql`
      with created as (
        insert into notifications (id, user_id, task_id, reminder_id, fire_at, title, body, created_at)
        values (${row.id}::uuid, ${row.userId}::uuid, ${row.taskId}::uuid, ${row.reminderId}::uuid,
          ${row.fireAt.toISOString()}::timestamptz, ${row.title}, ${row.body}, ${now}::timestamptz)
        on conflict do nothing
        returning id),
      emitted as (
        insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
        select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
          x.item->'event', ${now}::timestamptz, ${now}::timestamptz
        from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as x(item, ord)
        where exists (select 1 from created)
        order by x.ord)
      select count(*)::int as created from created`,
    );
    return Number(result.rows[0]?.created ?? 0) > 0;
  }

  /** Newest first; the cursor is the last item's id (UUIDv7 ids sort by creation). */
  async list(userId: string, options: { unreadOnly: boolean; limit: number; before?: string | undefined }) {
    const rows = await this.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, userId),
          options.unreadOnly ? isNull(notifications.readAt) : undefined,
          options.before ? lt(notifications.id, options.before) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(options.limit + 1);
    const items = rows.slice(0, options.limit).map(toNotification);
    return { items, nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async markRead(userId: string, id: string, now: Date): Promise<Notification | null> {
    const [row] = await this.db
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
      .returning();
    return row ? toNotification(row) : null;
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return row?.n ?? 0;
  }
}

export type DeadLetterRow = typeof deadLetters.$inferSelect;

export class DeadLetterRepository {
  constructor(private readonly db: Db) {}

  async insert(row: typeof deadLetters.$inferInsert): Promise<void> {
    await this.db.insert(deadLetters).values(row).onConflictDoNothing();
  }

  async list(options: { limit: number; before?: string | undefined; includeReplayed: boolean }): Promise<DeadLetterRow[]> {
    return this.db
      .select()
      .from(deadLetters)
      .where(
        and(
          options.includeReplayed ? undefined : isNull(deadLetters.replayedAt),
          options.before ? or(lt(deadLetters.id, options.before)) : undefined,
        ),
      )
      .orderBy(desc(deadLetters.id))
      .limit(options.limit);
  }

  async find(id: string): Promise<DeadLetterRow | null> {
    const [row] = await this.db.select().from(deadLetters).where(eq(deadLetters.id, id));
    return row ?? null;
  }

  async markReplayed(id: string, now: Date): Promise<void> {
    await this.db.update(deadLetters).set({ replayedAt: now }).where(eq(deadLetters.id, id));
  }
}
