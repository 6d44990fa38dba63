/**
 * Tables of delivery: what reminders delivered (emissions, in-app notifications), dead letters,
 * and what the embedded runtime uses in place of a broker, a scheduler and a state store —
 * event queues, jobs, key/value state (docs/decisions/0006-embedded-and-dapr-runtimes.md).
 * The task tables they refer to are in schema.ts; tables.ts exports both as one schema.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { reminders, tasks, users } from './schema.js';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    reminderId: uuid('reminder_id').notNull(),
    fireAt: instant('fire_at').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    readAt: instant('read_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    /** One in-app notification per reminder occurrence, however often the event arrives. */
    uniqueIndex('notifications_occurrence_key').on(t.reminderId, t.fireAt),
    index('notifications_user_idx').on(t.userId, t.createdAt),
  ],
);

/**
 * Reminder occurrences the notifier has emitted `todo.reminder.due.v1` for, written with the
 * event. The reminder reconciliation emits again what is due, has no notification yet and was
 * not emitted within its grace period (a job trigger or delivery lost between Dapr and the
 * app, docs/operations.md §12).
 */
export const reminderEmissions = pgTable(
  'reminder_emissions',
  {
    reminderId: uuid('reminder_id')
      .notNull()
      .references(() => reminders.id, { onDelete: 'cascade' }),
    fireAt: instant('fire_at').notNull(),
    emittedAt: instant('emitted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reminderId, t.fireAt] })],
);

/** Which named consumer listens to which topic, shared by every process on this database. */
export const eventSubscriptions = pgTable(
  'event_subscriptions',
  {
    topic: text('topic').notNull(),
    name: text('name').notNull(),
    types: text('types').array(),
    /**
     * Only events with a value that is not empty at this path of property names are queued for the
     * subscription (`SubscribeOptions.nonEmpty`; the rule is `todo_queue_event`, migration 0016).
     */
    nonEmpty: text('non_empty').array(),
    deadLetterTopic: text('dead_letter_topic').notNull(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.topic, t.name] })],
);

/**
 * Event types announced by NOTIFY on `channel` as they are queued (`todo_queue_event`, migration
 * 0016): how every process sharing the database hears of them, for live updates.
 */
export const eventAnnouncements = pgTable('event_announcements', {
  channel: text('channel').primaryKey(),
  types: text('types').array().notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/** One row per (event, subscription): the embedded broker's durable queue with retry state. */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    topic: text('topic').notNull(),
    subscription: text('subscription').notNull(),
    partitionKey: text('partition_key'),
    event: jsonb('event').notNull(),
    attempts: integer('attempts').notNull().default(0),
    availableAt: instant('available_at').notNull(),
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
  },
  (t) => [
    /**
     * The claim's order (see DeliveryQueries on why it starts at the subscription's oldest row).
     * `available_at` is never null: the predicate only keeps this index to queries that test
     * `available_at`, as the claim does. The "earlier row of this key" check does not, so it
     * stays on the key index instead of scanning the whole subscription below its row.
     */
    index('event_deliveries_claim_idx')
      .on(t.subscription, t.seq)
      .where(sql`${t.availableAt} is not null`),
    /** Serves the claim's "is an earlier row of this key still pending?" check. */
    index('event_deliveries_key_idx').on(t.subscription, t.partitionKey, t.seq),
  ],
);

export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey(),
    topic: text('topic').notNull(),
    subscription: text('subscription'),
    eventId: text('event_id').notNull(),
    eventType: text('event_type'),
    event: jsonb('event').notNull(),
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: instant('created_at').notNull().defaultNow(),
    replayedAt: instant('replayed_at'),
  },
  (t) => [index('dead_letters_created_idx').on(t.createdAt)],
);

/** Embedded JobScheduler: one-shot jobs by name, fired when due, surviving restarts. */
export const jobs = pgTable(
  'jobs',
  {
    name: text('name').primaryKey(),
    dueAt: instant('due_at').notNull(),
    data: jsonb('data').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
  },
  (t) => [index('jobs_due_idx').on(t.dueAt)],
);

/** Embedded StateStore: key/value with an etag for optimistic concurrency. */
export const kv = pgTable('kv', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  etag: bigint('etag', { mode: 'number' }).notNull(),
  updatedAt: instant('updated_at')
    .notNull()
    .default(sql`now()`),
});

/**
 * Browsers that receive reminders as Web Push notifications: one row per push endpoint (a
 * browser profile on one device), so a user has as many as devices. The endpoint is the push
 * service's address for that browser and identifies it: registering it again updates the row.
 * `p256dh` and `auth` are the browser's public key and secret that payloads are encrypted to.
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /** A label for the device list, e.g. "Chrome on Linux". */
    label: text('label').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    lastSuccessAt: instant('last_success_at'),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)],
);
