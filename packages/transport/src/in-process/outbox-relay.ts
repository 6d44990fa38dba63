/**
 * Publishes transactional-outbox rows (docs/decisions/0001-transactional-outbox.md). A row is claimed by
 * pushing its `available_at` one lease ahead, so a relay that dies mid-batch leaves its rows to
 * be picked up again once the lease has passed; publishing is therefore at-least-once and
 * consumers de-duplicate on the CloudEvent id (the outbox row id). The outbox has no retry
 * budget: a row is retried, with backoff, until it is published.
 */
import { and, eq, getTableColumns, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Clock, CloudEvent } from '@todo/domain';
import { schema, type Db } from '@todo/storage';
import type { EventBus } from '../ports.js';
import { silentLogger, type Logger } from '../logger.js';
import { errorMessage } from './failure.js';
import { addMs, defaultBackoff, type Backoff } from './backoff.js';
import type { OutboundEvent } from './delivery-store.js';
import { PassRunner, Ticker } from './runner.js';

const { outbox } = schema;

/** A bus that can take a whole batch at once (the embedded bus: one INSERT for all of it). */
export interface BatchPublisher extends Pick<EventBus, 'publish'> {
  publishMany?(events: readonly OutboundEvent[]): Promise<void>;
  /**
   * Takes due outbox rows itself, marking them published in the same statement (a bus whose
   * queues are in the outbox's database); returns what it took, in order.
   */
  publishFromOutbox?(now: Date, limit: number): Promise<PublishedEvent[]>;
}

/** What `onPublished` hears of a published event. */
export interface PublishedEvent {
  id: string;
  type: string;
}

type OutboxRow = typeof outbox.$inferSelect;

export interface OutboxRelayOptions {
  db: Db;
  bus: BatchPublisher;
  clock: Clock;
  logger?: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long claimed rows stay invisible to other relays. */
  leaseMs?: number;
  backoff?: Backoff;
  /** Called after a row is published (e.g. to count it); must not throw. */
  onPublished?: (event: PublishedEvent) => void;
  /** Partition keys published at once. */
  concurrency?: number;
  /** How long published rows are kept before they are deleted. */
  retentionMs?: number;
  /**
   * Under a steady stream of commits, a wake waits until this long after the last pass began,
   * so that a pass takes what several commits wrote (a pass costs a statement however few rows
   * it takes). A wake after a quiet spell runs at once.
   */
  lingerMs?: number;
}

export class OutboxRelay {
  private readonly db: Db;
  private readonly bus: BatchPublisher;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoff: Backoff;
  private readonly onPublished: ((event: PublishedEvent) => void) | undefined;
  private readonly runner: PassRunner;
  private readonly ticker: Ticker;
  private readonly concurrency: number;
  private readonly retentionMs: number;
  private lastPrune = 0;
  private running = false;
  private wakeQueued = false;
  private readonly lingerMs: number;
  /** When the last pass began, on the monotonic clock: pacing, not business time. */
  private lastPassAt = -Infinity;
  private readonly claimStatement;
  private readonly markStatement;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.bus = options.bus;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.backoff = options.backoff ?? defaultBackoff;
    this.onPublished = options.onPublished;
    this.concurrency = options.concurrency ?? 8;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.lingerMs = options.lingerMs ?? 5;
    // Prepared once: these two statements run on every pass (see DeliveryQueries on why).
    const due = this.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), lte(outbox.availableAt, sql`${sql.placeholder('now')}::timestamptz`)))
      .orderBy(outbox.createdAt, outbox.id)
      .limit(sql.placeholder('limit'))
      .for('update', { skipLocked: true });
    // Chosen once in a CTE, then updated by key: see DeliveryQueries on the plan `id in (subquery)` can get.
    const claimable = this.db.$with('claimable').as(due);
    this.claimStatement = this.db
      .with(claimable)
      .update(outbox)
      .set({ availableAt: sql`${sql.placeholder('lease')}::timestamptz` })
      .from(claimable)
      .where(eq(outbox.id, claimable.id))
      .returning(getTableColumns(outbox))
      .prepare('todo_claim_outbox');
    this.markStatement = this.db
      .update(outbox)
      .set({ publishedAt: sql`${sql.placeholder('now')}::timestamptz`, lastError: null })
      .where(sql`${outbox.id} = any(${sql.placeholder('ids')}::uuid[])`)
      .prepare('todo_mark_outbox_published');
    const pollIntervalMs = options.pollIntervalMs ?? 500;
    const onError = (err: unknown) => this.logger.error({ err }, 'outbox relay failed');
    // A pass that claimed less than a batch found everything due; a row committed meanwhile comes
    // with a wake() (or, from another process, the next tick). Saves a claim per event at low rates.
    this.runner = new PassRunner(
      () => this.pass(),
      onError,
      (claimed) => claimed >= this.batchSize,
    );
    this.ticker = new Ticker(
      () => this.runner.runUntilIdle(),
      () => Promise.resolve(pollIntervalMs),
      pollIntervalMs,
      onError,
    );
  }

  /**
   * Publish soon; services call this after committing a transaction that wrote outbox rows.
   * Wakes before the next pass is due (the creates of one batch, or a stream of them) start one
   * loop: each extra one would cost a pass that finds little or nothing.
   */
  wake(): void {
    if (!this.running || this.wakeQueued) return;
    this.wakeQueued = true;
    const run = () => {
      this.wakeQueued = false;
      void this.runner.runUntilIdle();
    };
    const wait = this.lastPassAt + this.lingerMs - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.runner.resume();
    this.ticker.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ticker.stop();
    await this.runner.halt();
  }

  /** One claim-and-publish pass, serialised with the background loop; returns the rows it handled. */
  runOnce(): Promise<number> {
    return this.runner.runPass();
  }

  /** Publishes everything due now (by the injected clock), then resolves. */
  async drain({ maxRounds = 1000 }: { maxRounds?: number } = {}): Promise<void> {
    for (let round = 0; round < maxRounds; round++) if ((await this.runOnce()) === 0) return;
    throw new Error(`outbox relay drain: still busy after ${maxRounds} rounds`);
  }

  /**
   * Publishes one claimed batch. Rows of one partition key go in order, one after another;
   * different keys go concurrently. A failed row holds back the later rows of its key.
   */
  private async pass(): Promise<number> {
    this.lastPassAt = performance.now();
    await this.prune();
    if (this.bus.publishFromOutbox) {
      try {
        const moved = await this.bus.publishFromOutbox(this.clock.now(), this.batchSize);
        for (const event of moved) this.notify(event);
        return moved.length;
      } catch (err) {
        // One statement takes the whole batch, so one row it cannot take stops all of them.
        // The claim path below postpones the batch with backoff and lets later rows through.
        this.logger.warn({ err }, 'outbox move failed; claiming the batch instead');
      }
    }
    const rows = await this.claim(this.clock.now());
    if (!rows.length) return 0;
    const published = this.bus.publishMany ? await this.publishBatch(rows) : await this.publishLanes(rows);
    if (published.length) {
      await this.markStatement.execute({ now: this.clock.now().toISOString(), ids: `{${published.join(',')}}` });
    }
    return rows.length;
  }

  /** The whole batch in one call: all of it is published, or all of it is retried. */
  private async publishBatch(rows: OutboxRow[]): Promise<string[]> {
    try {
      await this.bus.publishMany!(rows.map((r) => ({ topic: r.topic, event: r.event as CloudEvent, key: r.partitionKey })));
    } catch (err) {
      await this.postpone(rows, err);
      return [];
    }
    for (const row of rows) this.notify(row.event as CloudEvent);
    return rows.map((r) => r.id);
  }

  /**
   * One publish per row. Rows of one partition key go in order, one after another; different
   * keys go concurrently. A failed row holds back the later rows of its key.
   */
  private async publishLanes(rows: OutboxRow[]): Promise<string[]> {
    const byKey = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = row.partitionKey ?? `\u0000${row.id}`;
      byKey.set(key, [...(byKey.get(key) ?? []), row]);
    }
    const published: string[] = [];
    const lanes = [...byKey.values()];
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) await this.publishLane(lanes[next++]!, published);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, lanes.length) }, worker));
    return published;
  }

  private async publishLane(lane: OutboxRow[], published: string[]): Promise<void> {
    for (const [i, row] of lane.entries()) {
      const event = row.event as CloudEvent;
      try {
        await this.bus.publish(row.topic, event, row.partitionKey === null ? {} : { key: row.partitionKey });
      } catch (err) {
        await this.postpone(lane.slice(i), err);
        return;
      }
      published.push(row.id);
      this.notify(event);
    }
  }

  /** The first row failed: it counts an attempt; it and the rows behind it wait for the backoff. */
  private async postpone(rows: OutboxRow[], err: unknown): Promise<void> {
    const [row, ...rest] = rows;
    if (!row) return;
    const attempts = row.attempts + 1;
    const retryAt = addMs(this.clock.now(), this.backoff(attempts));
    const lastError = errorMessage(err);
    await this.db.update(outbox).set({ attempts, lastError, availableAt: retryAt }).where(eq(outbox.id, row.id));
    if (rest.length) {
      await this.db
        .update(outbox)
        .set({ availableAt: retryAt })
        .where(
          inArray(
            outbox.id,
            rest.map((r) => r.id),
          ),
        );
    }
    this.logger.warn({ outboxId: row.id, topic: row.topic, attempts, lastError }, 'outbox publish failed; will retry');
  }

  /** Published rows are kept `retentionMs` after they were written (for inspection), then deleted, at most once a minute. */
  private async prune(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - this.lastPrune < 60_000) return;
    this.lastPrune = now.getTime();
    await this.db.delete(outbox).where(and(lte(outbox.createdAt, addMs(now, -this.retentionMs)), isNotNull(outbox.publishedAt)));
  }

  private async claim(now: Date): Promise<OutboxRow[]> {
    const rows = await this.claimStatement.execute({
      now: now.toISOString(),
      lease: addMs(now, this.leaseMs).toISOString(),
      limit: this.batchSize,
    });
    return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private notify(event: PublishedEvent): void {
    if (!this.onPublished) return;
    try {
      this.onPublished(event);
    } catch (err) {
      this.logger.warn({ err, eventId: event.id }, 'onPublished callback threw');
    }
  }
}
