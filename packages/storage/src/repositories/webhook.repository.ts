/** A user's webhook subscriptions; every query is scoped to the owner, so others' are not found. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Webhook } from '@todo/domain';
import type { Db } from '../db.js';
import { webhooks } from '../schema-webhooks.js';

type WebhookRow = typeof webhooks.$inferSelect;

export const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  url: r.url,
  types: r.eventTypes as Webhook['types'],
  active: r.active,
  disabledReason: r.disabledReason,
  createdAt: r.createdAt.toISOString(),
});

/** What the sender needs of a subscription an event matches. */
export interface WebhookTarget {
  id: string;
  url: string;
  secret: string;
}

export class WebhookRepository {
  constructor(private readonly db: Db) {}

  async insert(row: typeof webhooks.$inferInsert): Promise<Webhook> {
    const [created] = await this.db.insert(webhooks).values(row).returning();
    return toWebhook(created!);
  }

  async list(userId: string): Promise<Webhook[]> {
    const rows = await this.db.select().from(webhooks).where(eq(webhooks.userId, userId)).orderBy(desc(webhooks.createdAt));
    return rows.map(toWebhook);
  }

  async get(userId: string, id: string): Promise<Webhook | null> {
    const [row] = await this.db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)));
    return row ? toWebhook(row) : null;
  }

  async update(
    userId: string,
    id: string,
    set: { url?: string; eventTypes?: string[]; active?: boolean; disabledReason?: string | null },
  ): Promise<Webhook | null> {
    const [row] = await this.db
      .update(webhooks)
      .set(set)
      .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)))
      .returning();
    return row ? toWebhook(row) : null;
  }

  /** Its deliveries go with it. */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(webhooks)
      .where(and(eq(webhooks.userId, userId), eq(webhooks.id, id)))
      .returning({ id: webhooks.id });
    return rows.length > 0;
  }

  /** The user's active subscriptions that take this event type (an empty list of types takes all). */
  async matching(userId: string, eventType: string): Promise<WebhookTarget[]> {
    return this.db
      .select({ id: webhooks.id, url: webhooks.url, secret: webhooks.secret })
      .from(webhooks)
      .where(
        and(
          eq(webhooks.userId, userId),
          eq(webhooks.active, true),
          sql`(cardinality(${webhooks.eventTypes}) = 0 or ${eventType} = any(${webhooks.eventTypes}))`,
        ),
      );
  }
}
