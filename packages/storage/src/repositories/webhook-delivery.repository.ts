/**
 * Webhook deliveries: the log the API shows, and the queue the sender claims from. A pending
 * delivery has a `next_attempt_at`; one is claimable when that has come, no other sender holds
 * it (`locked_until`, a lease as the embedded job scheduler's), its webhook is active, and no
 * earlier delivery of the same task to the same webhook is still pending — so one task's
 * events reach a receiver in order. Claims skip rows another sender has locked.
 */
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { WebhookDelivery } from '@todo/domain';
import type { Db } from '../db.js';
import { webhookDeliveries, webhooks } from '../schema-webhooks.js';

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  eventId: r.eventId,
  eventType: r.eventType as WebhookDelivery['eventType'],
  taskId: r.taskId,
  attempts: r.attempts,
  lastStatusCode: r.lastStatusCode,
  lastError: r.lastError,
  nextAttemptAt: iso(r.nextAttemptAt),
  deliveredAt: iso(r.deliveredAt),
  deadLetteredAt: iso(r.deadLetteredAt),
  createdAt: r.createdAt.toISOString(),
});

/** A claimed delivery, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  taskId: string;
  eventId: string;
  url: string;
  secret: string;
  payload: unknown;
  attempts: number;
  /** Held until then; the outcome is written only while the lease is still this one. */
  lease: Date;
}

export type NewDelivery = Pick<
  typeof webhookDeliveries.$inferInsert,
  'id' | 'webhookId' | 'eventId' | 'eventType' | 'taskId' | 'payload' | 'createdAt' | 'nextAttemptAt'
>;

export class WebhookDeliveryRepository {
  constructor(private readonly db: Db) {}

  /** Records deliveries; an event already recorded for a webhook (a redelivery) adds nothing. Returns the new ids. */
  async record(rows: readonly NewDelivery[]): Promise<string[]> {
    if (!rows.length) return [];
    const created = await this.db
      .insert(webhookDeliveries)
      .values([...rows])
      .onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.eventId] })
      .returning({ id: webhookDeliveries.id });
    return created.map((r) => r.id);
  }

  /** Newest first; `before`: the `seq` cursor of the previous page's last row. */
  async page(webhookId: string, limit: number, before?: number): Promise<{ items: WebhookDelivery[]; next: number | null }> {
    const rows = await this.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.webhookId, webhookId), before ? lt(webhookDeliveries.seq, before) : undefined))
      .orderBy(desc(webhookDeliveries.seq))
      .limit(limit + 1);
    const items = rows.slice(0, limit);
    return { items: items.map(toDelivery), next: rows.length > limit ? items.at(-1)!.seq : null };
  }

  async get(webhookId: string, id: string): Promise<WebhookDelivery | null> {
    const [row] = await this.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, id)));
    return row ? toDelivery(row) : null;
  }

  /** Makes a delivered or dead-lettered delivery pending again, with a fresh retry budget. */
  async replay(webhookId: string, id: string, now: Date): Promise<WebhookDelivery | null> {
    const [row] = await this.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: now, attempts: 0, deliveredAt: null, deadLetteredAt: null, lockedUntil: null })
      .where(
        and(
          eq(webhookDeliveries.webhookId, webhookId),
          eq(webhookDeliveries.id, id),
          sql`${webhookDeliveries.nextAttemptAt} is null`,
        ),
      )
      .returning();
    return row ? toDelivery(row) : null;
  }

  /**
   * Claims up to `limit` deliveries due at `now` for `lease`, oldest first; `only` narrows the
   * claim to some deliveries (those just recorded) or to one lane (the next after a success).
   */
  async claim(
    now: Date,
    lease: Date,
    limit: number,
    only?: { ids: readonly string[] } | { webhookId: string; taskId: string },
  ): Promise<ClaimedDelivery[]> {
    let narrow: SQL = sql`true`;
    if (only && 'ids' in only) {
      if (!only.ids.length) return [];
      narrow = sql`d.id = any(${`{${only.ids.join(',')}}`}::uuid[])`;
    } else if (only) narrow = sql`d.webhook_id = ${only.webhookId}::uuid and d.task_id = ${only.taskId}::uuid`;
    const { rows } = (await this.db.execute(sql`
      with due as (
        select d.id from ${webhookDeliveries} d join ${webhooks} w on w.id = d.webhook_id
        where d.next_attempt_at <= ${now.toISOString()}::timestamptz and w.active and ${narrow}
          and (d.locked_until is null or d.locked_until <= ${now.toISOString()}::timestamptz)
          and not exists (
            select 1 from ${webhookDeliveries} e
            where e.webhook_id = d.webhook_id and e.task_id = d.task_id and e.seq < d.seq and e.next_attempt_at is not null)
        order by d.next_attempt_at, d.seq
        limit ${limit}
        for update of d skip locked)
      update ${webhookDeliveries} c set locked_until = ${lease.toISOString()}::timestamptz
      from due, ${webhooks} w
      where c.id = due.id and w.id = c.webhook_id
      returning c.id, c.webhook_id as "webhookId", c.task_id as "taskId", c.event_id as "eventId", w.url, w.secret,
        c.payload, c.attempts, c.seq`)) as { rows: (Omit<ClaimedDelivery, 'lease'> & { seq: string | number })[] };
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(({ seq: _seq, ...row }) => ({ ...row, lease }));
  }

  /** Writes an attempt's outcome, if the lease is still ours; false when it was not. */
  async finish(
    claimed: Pick<ClaimedDelivery, 'id' | 'lease'>,
    outcome: {
      attempts: number;
      statusCode: number | null;
      error: string | null;
      deliveredAt?: Date;
      nextAttemptAt?: Date;
      deadLetteredAt?: Date;
    },
  ): Promise<boolean> {
    const rows = await this.db
      .update(webhookDeliveries)
      .set({
        attempts: outcome.attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        deliveredAt: outcome.deliveredAt ?? null,
        deadLetteredAt: outcome.deadLetteredAt ?? null,
        nextAttemptAt: outcome.nextAttemptAt ?? null,
        lockedUntil: null,
      })
      .where(and(eq(webhookDeliveries.id, claimed.id), eq(webhookDeliveries.lockedUntil, claimed.lease)))
      .returning({ id: webhookDeliveries.id });
    return rows.length > 0;
  }
}
