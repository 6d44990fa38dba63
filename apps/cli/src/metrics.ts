/**
 * Prometheus metrics of this process (`/metrics`): events published, delivered, retried and
 * dead-lettered per topic, how late reminders fire, and completions the recurrence
 * reconciliation had to handle (a non-zero count means deliveries are being lost upstream). Counted at the composition root by
 * wrapping handlers, so the roles and transports stay free of metrics code.
 */
import { sql } from 'drizzle-orm';
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

  constructor(database: Database) {
    collectDefaultMetrics({ register: this.registry, prefix: 'todo_' });
    // Read at scrape time from the shared table, so every replica reports the same truth.
    new Gauge({
      name: 'todo_dead_letters',
      help: 'Dead letters not yet replayed, per topic',
      labelNames: ['topic'],
      registers: [this.registry],
      async collect() {
        const result = (await database.db.execute(
          sql`select topic, count(*)::int as n from dead_letters where replayed_at is null group by topic`,
        )) as { rows: { topic: string; n: number }[] };
        this.reset();
        for (const row of result.rows) this.set({ topic: row.topic }, row.n);
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
