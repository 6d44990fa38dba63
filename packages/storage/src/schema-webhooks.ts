/**
 * Outgoing webhooks (docs/webhooks.md): a user's subscriptions, and one delivery row per
 * (subscription, event) carrying its retry state — the row is both the delivery log the API
 * shows and the queue the webhook sender claims from.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './schema.js';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Reserved for subscriptions scoped to one project; null: every task of the user. */
    projectId: uuid('project_id'),
    url: text('url').notNull(),
    /** The Standard Webhooks signing secret (`whsec_…`), shown to the user once. */
    secret: text('secret').notNull(),
    /** Event types sent; empty: all. */
    eventTypes: text('event_types')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    disabledReason: text('disabled_reason'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_user_idx').on(t.userId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    /** Insertion order: a task's deliveries to one webhook are sent in this order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The lane: one task's deliveries to one webhook go one at a time. No reference: deleted tasks are announced too. */
    taskId: uuid('task_id').notNull(),
    /** The request body, as signed. */
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    /** Null once delivered or dead-lettered. */
    nextAttemptAt: instant('next_attempt_at'),
    /** A sender holds the row until then (crash recovery), as the embedded job scheduler does its jobs. */
    lockedUntil: instant('locked_until'),
    deliveredAt: instant('delivered_at'),
    deadLetteredAt: instant('dead_lettered_at'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    /** An event redelivered by the bus records nothing new. */
    uniqueIndex('webhook_deliveries_event_key').on(t.webhookId, t.eventId),
    /** The delivery log, newest first. */
    index('webhook_deliveries_log_idx').on(t.webhookId, t.seq),
    /** The sender's claim: what is due. */
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.nextAttemptAt} is not null`),
    /** The claim's "is an earlier delivery of this task still pending?" check. */
    index('webhook_deliveries_lane_idx')
      .on(t.webhookId, t.taskId, t.seq)
      .where(sql`${t.nextAttemptAt} is not null`),
  ],
);
