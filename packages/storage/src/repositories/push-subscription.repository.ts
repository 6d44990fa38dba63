/** The browsers each user receives Web Push reminders on (schema-delivery.ts, `push_subscriptions`). */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { PushDevice } from '@todo/domain';
import type { Db } from '../db.js';
import { pushSubscriptions } from '../schema-delivery.js';

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

const toDevice = (r: PushSubscriptionRow): PushDevice => ({
  id: r.id,
  label: r.label,
  createdAt: r.createdAt.toISOString(),
  lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
});

export class PushSubscriptionRepository {
  constructor(private readonly db: Db) {}

  /**
   * One row per endpoint: registering it again (the browser re-subscribed, or another user signed
   * in on that browser) takes the row over with the new keys and owner, keeping its id.
   */
  async upsert(row: Omit<typeof pushSubscriptions.$inferInsert, 'lastSuccessAt'> & { createdAt: Date }): Promise<PushDevice> {
    const [saved] = await this.db
      .insert(pushSubscriptions)
      .values(row)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: {
          userId: row.userId,
          p256dh: row.p256dh,
          auth: row.auth,
          label: row.label,
          // A new owner starts a new record; the same owner keeps the device's history.
          createdAt: sql`case when ${pushSubscriptions.userId} = ${row.userId}::uuid then ${pushSubscriptions.createdAt} else excluded.created_at end`,
          lastSuccessAt: sql`case when ${pushSubscriptions.userId} = ${row.userId}::uuid then ${pushSubscriptions.lastSuccessAt} end`,
        },
      })
      .returning();
    return toDevice(saved!);
  }

  /** How many devices the user has, and whether this endpoint is one of them. */
  async countFor(userId: string, endpoint: string): Promise<{ count: number; includesThisOne: boolean }> {
    const [row] = await this.db
      .select({
        count: sql<number>`count(*)::int`,
        includesThisOne: sql<boolean>`coalesce(bool_or(${pushSubscriptions.endpoint} = ${endpoint}), false)`,
      })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId));
    return row ?? { count: 0, includesThisOne: false };
  }

  async list(userId: string): Promise<PushDevice[]> {
    const rows = await this.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId))
      .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
    return rows.map(toDevice);
  }

  /** With their keys and endpoints: what a delivery encrypts to and sends to. */
  forDelivery(userId: string): Promise<PushSubscriptionRow[]> {
    return this.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId))
      .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
  }

  /** False when the user has no such device. */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
      .returning({ id: pushSubscriptions.id });
    return rows.length > 0;
  }

  /**
   * The push service said this endpoint is gone: delete it — unless it was registered afresh
   * since the failed send began (new keys), which would have a working subscription deleted.
   */
  async deleteExpired(id: string, endpoint: string, p256dh: string): Promise<void> {
    await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.p256dh, p256dh)));
  }

  async markSuccess(id: string, at: Date): Promise<void> {
    await this.db.update(pushSubscriptions).set({ lastSuccessAt: at }).where(eq(pushSubscriptions.id, id));
  }
}
