/**
 * Prometheus metrics of this process (`/metrics`): events published, delivered, retried and
 * dead-lettered per topic, what waits in the outbox and the embedded bus, how late reminders
 * fire, and completions the recurrence
 * reconciliation had to handle (a non-zero count means deliveries are being lost upstream). Counted at the composition root by
 * wrapping handlers, so the roles and transports stay free of metrics code.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '@todo/domain';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '@todo/storage';
import { PoisonEventError, type EventHandler } from '@todo/transport';

export class Metrics {
  readonly registry = new Registry();
  private readonly published = new Counter({
    name: 'todo_events_published_total',
    help: 'Events handed to the event bus by the outbox relay',
    labelNames: ['topic', 'type'],
    registers: [this.registry],
  });
  private readonly handled = new Counter({
    name: 'todo_events_handled_total',
    help: 'Deliveries handled, by outcome (ack, retry, drop, error, poison)',
    labelNames: ['topic', 'subscription', 'outcome'],
    registers: [this.registry],
  });
  private readonly lateness = new Histogram({
    name: 'todo_reminder_lateness_seconds',
    help: 'How long after its due instant a reminder was emitted',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
    registers: [this.registry],
  });

  private readonly reconciled = new Counter({
    name: 'todo_recurrence_reconciled_total',
    help: 'Completions of recurring tasks whose event never arrived, handled by the reconciliation, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly remindersReconciled = new Counter({
    name: 'todo_reminders_reconciled_total',
    help: 'Reminders that came due without a notification (event or job trigger lost), handled by the reconciliation, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly listPages = new Counter({
    name: 'todo_task_list_pages_total',
    help: 'Task-list requests by how they were answered: not_modified (304), kept (from the page cache), read (list statement)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(database: Database, clock: Clock) {
    collectDefaultMetrics({ register: this.registry, prefix: 'todo_' });
    const rows = async <Row>(query: SQL) => ((await database.db.execute(query)) as { rows: Row[] }).rows;
    // Read at scrape time from the shared tables, so every replica reports the same truth.
    // One read of the outbox for both of its gauges, which a scrape collects at the same time.
    let outboxRead: Promise<{ n: number; oldest: Date | string | null } | undefined> | undefined;
    const readOutbox = () =>
      (outboxRead ??= rows<{ n: number; oldest: Date | string | null }>(
        sql`select count(*)::int as n, min(created_at) as oldest from outbox where published_at is null`,
      )
        .then(([row]) => row)
        .finally(() => (outboxRead = undefined)));
    new Gauge({
      name: 'todo_outbox_pending',
      help: 'Events written but not yet published by an outbox relay',
      registers: [this.registry],
      async collect() {
        this.set((await readOutbox())?.n ?? 0);
      },
    });
    new Gauge({
      name: 'todo_outbox_oldest_pending_seconds',
      help: 'Age of the oldest event not yet published (by the app clock); growing means the relay or the broker is stuck',
      registers: [this.registry],
      async collect() {
        const oldest = (await readOutbox())?.oldest;
        this.set(oldest ? Math.max(0, clock.now().getTime() - new Date(oldest).getTime()) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'todo_event_deliveries_pending',
      help: 'Embedded bus: deliveries not yet handled, per subscription (retries included)',
      labelNames: ['topic', 'subscription'],
      registers: [this.registry],
      async collect() {
        const result = await rows<{ topic: string; subscription: string; n: number }>(
          sql`select topic, subscription, count(*)::int as n from event_deliveries group by topic, subscription`,
        );
        this.reset();
        for (const row of result) this.set({ topic: row.topic, subscription: row.subscription }, row.n);
      },
    });
    new Gauge({
      name: 'todo_dead_letters',
      help: 'Dead letters not yet replayed, per topic',
      labelNames: ['topic'],
      registers: [this.registry],
      async collect() {
        const result = await rows<{ topic: string; n: number }>(
          sql`select topic, count(*)::int as n from dead_letters where replayed_at is null group by topic`,
        );
        this.reset();
        for (const row of result) this.set({ topic: row.topic }, row.n);
      },
    });
  }

  onPublished = (event: { type: string }, topic: string): void => {
    this.published.inc({ topic, type: event.type });
  };

  reminderEmitted = (latenessMs: number): void => {
    this.lateness.observe(Math.max(0, latenessMs) / 1000);
  };

  recurrenceReconciled = (outcome: string): void => {
    this.reconciled.inc({ outcome });
  };

  listPage = (outcome: string): void => {
    this.listPages.inc({ outcome });
  };

  reminderReconciled = (outcome: string): void => {
    this.remindersReconciled.inc({ outcome });
  };

  /** The same handler, counting what it decides. */
  instrument(topic: string, subscription: string, handler: EventHandler): EventHandler {
    return async (event) => {
      try {
        const outcome = await handler(event);
        this.handled.inc({ topic, subscription, outcome });
        return outcome;
      } catch (error) {
        this.handled.inc({ topic, subscription, outcome: error instanceof PoisonEventError ? 'poison' : 'error' });
        throw error;
      }
    };
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
