/**
 * The embedded EventBus: a durable queue in `event_deliveries`, one row per
 * (event, subscription), dispatched by every process that shares the database. Delivery is
 * at-least-once and never inside `publish()`; a thrown error counts as `retry`, so a bug in a
 * handler delays an event instead of losing it. Every event reaches the queues one way, whoever
 * writes it: `todo_queue_event` (migration 0016), called by the outbox trigger of a writing
 * transaction, by `publish`, and by the sweep of rows a relay-mode writer left in the outbox.
 */
import type { Clock, CloudEvent, Topic } from '@todo/domain';
import type { Db, Notifications, Unlisten } from '@todo/storage';
import type { EventBus, EventHandler, HandlerOutcome, SubscribeOptions } from '../ports.js';
import { silentLogger, type Logger } from '../logger.js';
import { errorMessage, isPoison } from './failure.js';
import { addMs, defaultBackoff, type Backoff } from './backoff.js';
import {
  DeliveryQueries,
  deadLetterDelivery,
  queueEvent,
  releaseDeliveries,
  replayDeadLetter,
  retryDelivery,
  sweepOutbox,
  upsertAnnouncement,
  upsertSubscriptions,
  DELIVERY_CHANNEL,
  type DeliveryRow,
  type SubscriptionRecord,
} from './delivery-store.js';
import { PassRunner, Ticker } from './runner.js';

/** Events of these types are announced by a NOTIFY on `channel` as they are queued (`todo_announce`, migration 0016). */
export interface Announcement {
  channel: string;
  types: readonly string[];
}

export interface DbEventBusOptions {
  db: Db;
  clock: Clock;
  logger?: Logger;
  /** Handler runs per delivery before it is dead-lettered. */
  maxAttempts?: number;
  backoff?: Backoff;
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long a claimed delivery stays invisible to other dispatchers (crash recovery). */
  leaseMs?: number;
  /** Handlers of one subscription running at once (each on a different partition key). */
  concurrency?: number;
  /**
   * Events of these types are announced as they are queued, by the statement that queues them:
   * how every process sharing the database hears of them, e.g. for live updates.
   */
  announce?: Announcement;
  /**
   * Where `todo_queue_event` says which subscription got rows; listened to, so that they are
   * handled at once in every process, not at the next poll.
   */
  notifications?: Notifications;
  /** Published outbox rows (large events kept for reading back) are deleted this long after they were written. */
  retentionMs?: number;
}

interface Subscription extends SubscriptionRecord {
  handler: EventHandler;
  concurrency: number | undefined;
  runner: PassRunner;
}

export class DbEventBus implements EventBus {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly announce: Announcement | undefined;
  private readonly notifications: Notifications | undefined;
  private unlisten: Unlisten | undefined;
  private readonly queries: DeliveryQueries;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly ticker: Ticker;
  private readonly sweeper: PassRunner;
  private readonly retentionMs: number;
  private lastPrune = 0;
  private running = false;
  private stopping = false;
  /** Bumped by every publish and every finished delivery; `drain()` stops only when it stands still. */
  private activity = 0;

  constructor(options: DbEventBusOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? defaultBackoff;
    this.batchSize = options.batchSize ?? 50;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.concurrency = options.concurrency ?? 8;
    this.announce = options.announce;
    this.notifications = options.notifications;
    this.queries = new DeliveryQueries(options.db);
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    const pollIntervalMs = options.pollIntervalMs ?? 500;
    // A sweep that took a whole batch goes again at once; what it queued wakes its subscriptions
    // through `notifications`, or at the next poll.
    this.sweeper = new PassRunner(
      () => this.sweep(),
      (err) => this.logger.error({ err }, 'outbox sweep failed'),
      (taken) => taken >= SWEEP_BATCH,
    );
    this.ticker = new Ticker(
      () => {
        void this.sweeper.runUntilIdle();
        for (const sub of this.subscriptions.values()) void sub.runner.runUntilIdle();
        return Promise.resolve();
      },
      () => Promise.resolve(pollIntervalMs),
      pollIntervalMs,
      (err) => this.logger.error({ err }, 'event bus poll failed'),
    );
  }

  subscribe(topic: Topic | string, handler: EventHandler, options: SubscribeOptions): void {
    if (this.running) throw new Error(`subscribe("${topic}", "${options.name}") must be called before start()`);
    const id = subscriptionId(topic, options.name);
    if (this.subscriptions.has(id))
      throw new Error(`"${options.name}" already subscribes to "${topic}"; one handler per (topic, name)`);
    if (options.types && !options.types.length)
      throw new Error(`subscription "${options.name}" lists no types; omit "types" to receive all`);
    const sub: Subscription = {
      topic,
      name: options.name,
      types: options.types,
      nonEmpty: checkedPath(options.name, options.nonEmpty),
      concurrency: options.concurrency,
      deadLetterTopic: options.deadLetterTopic ?? `${topic}-dlq`,
      handler,
      // A pass that handled less than a batch took everything due; deliveries committed
      // meanwhile come with a wake (or, from another process, the next tick). Saves an empty
      // claim per subscription after every batch.
      runner: new PassRunner(
        () => this.pass(sub),
        (err) => this.logger.error({ err, topic, subscription: options.name }, 'event dispatch failed'),
        (handled) => handled >= this.batchSize,
      ),
    };
    this.subscriptions.set(id, sub);
  }

  /** Queues the event as a writing transaction's outbox row is queued (`todo_queue_event`), announcement included. */
  async publish(topic: Topic | string, event: CloudEvent, options?: { key?: string }): Promise<void> {
    const key = options?.key ?? event.partitionkey ?? null;
    const taken = await queueEvent(this.db, { topic, event, key, now: this.clock.now(), announce: true });
    this.activity++;
    // Deferred so a handler can never run before publish() has returned to its caller.
    if (this.running && taken) setImmediate(() => this.wake(topic, [event.type]));
  }

  /**
   * Queues rows a writer that does not deliver in place left in the outbox, through the same
   * function as every other event, and deletes kept rows past their retention at most once a
   * minute. Nothing is left there in the embedded runtime's own writes, so this usually finds nothing.
   */
  private async sweep(): Promise<number> {
    const now = this.clock.now();
    const prune = now.getTime() - this.lastPrune >= 60_000;
    if (prune) this.lastPrune = now.getTime();
    const taken = await sweepOutbox(this.db, {
      now,
      max: SWEEP_BATCH,
      retryAt: addMs(now, LEFTOVER_RETRY_MS),
      pruneBefore: prune ? addMs(now, -this.retentionMs) : null,
    });
    if (!taken) return 0;
    this.activity++;
    // Without `notifications` (or before they arrive) the queued rows wait for no poll.
    if (this.running) setImmediate(() => this.subscriptions.forEach((sub) => void sub.runner.runUntilIdle()));
    return taken;
  }

  /** A writer queued rows for a subscription (`[topic, name]`): runs it, if it is one of ours. */
  private queuedElsewhere(payload: string): void {
    try {
      const [topic, name] = JSON.parse(payload) as [string, string];
      if (this.running) void this.subscriptions.get(subscriptionId(topic, name))?.runner.runUntilIdle();
    } catch (err) {
      this.logger.warn({ err, payload }, 'unreadable delivery notification');
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    await upsertSubscriptions(this.db, [...this.subscriptions.values()], this.clock.now());
    if (this.announce) await upsertAnnouncement(this.db, this.announce, this.clock.now());
    this.unlisten = await this.notifications?.listen(DELIVERY_CHANNEL, (payload) => this.queuedElsewhere(payload));
    for (const sub of this.subscriptions.values()) sub.runner.resume();
    this.sweeper.resume();
    this.running = true;
    this.ticker.start();
  }

  /** Stops dispatching and waits for handlers in flight; unstarted claims are handed back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.ticker.stop();
    await this.unlisten?.();
    this.unlisten = undefined;
    try {
      await Promise.all([this.sweeper.halt(), ...[...this.subscriptions.values()].map((s) => s.runner.halt())]);
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Handles everything due now (by the injected clock), including what handlers publish while
   * it runs, then resolves. Tests call it after moving the clock instead of sleeping.
   */
  async drain({ maxRounds = 1000 }: { maxRounds?: number } = {}): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      const before = this.activity;
      const swept = await this.sweeper.runPass();
      const handled = await Promise.all([...this.subscriptions.values()].map((s) => s.runner.runPass()));
      if (swept === 0 && handled.every((n) => n === 0) && this.activity === before) return;
    }
    throw new Error(`event bus drain: still busy after ${maxRounds} rounds`);
  }

  /** Gives a dead letter one more life: a fresh delivery (attempts 0) for its subscription. */
  async replayDeadLetter(id: string): Promise<boolean> {
    const replayed = await replayDeadLetter(this.db, id, this.clock.now());
    if (!replayed) return false;
    this.activity++;
    if (this.running) setImmediate(() => this.wake(replayed.topic));
    return true;
  }

  /** Runs the subscriptions of `topic` that take any of `types` (all of them when not given). */
  private wake(topic: string, types?: readonly string[]): void {
    for (const sub of this.subscriptions.values()) {
      if (sub.topic !== topic) continue;
      if (types && sub.types && !types.some((t) => sub.types!.includes(t))) continue;
      void sub.runner.runUntilIdle();
    }
  }

  /**
   * One claim of this subscription's due rows: the oldest pending row of each partition key
   * and the rows queued right behind it. A key's rows are one lane, handled in order; lanes run
   * `concurrency` at a time. A row that is not done with (retried, dead-lettered) ends its lane:
   * the rest of the key is handed back and waits behind it.
   */
  private async pass(sub: Subscription): Promise<number> {
    const now = this.clock.now();
    const lease = addMs(now, this.leaseMs);
    const halfLease = addMs(now, this.leaseMs / 2);
    const rows = await this.queries.claim({
      topic: sub.topic,
      name: sub.name,
      now,
      lease,
      limit: this.batchSize,
      followers: this.batchSize * FOLLOWER_BATCHES,
    });
    const lanes = lanesByKey(rows);
    // Acknowledged rows are deleted together when the pass ends: one statement per batch
    // instead of one per event. Until then the lease keeps them from other dispatchers.
    const handled: number[] = [];
    const unstarted = new Set(rows.map((r) => r.seq));
    let nextLane = 0;
    const worker = async () => {
      while (nextLane < lanes.length) {
        for (const row of lanes[nextLane++]!) {
          // Stop taking rows whose lease may lapse under us; they are handed back below.
          if (this.stopping || this.clock.now() >= halfLease) return;
          unstarted.delete(row.seq);
          if (!(await this.deliver(sub, row, lease))) break;
          handled.push(row.seq);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(sub.concurrency ?? this.concurrency, lanes.length) }, worker));
    } finally {
      await this.queries.delete(handled);
    }
    await releaseDeliveries(this.db, [...unstarted], lease);
    return rows.length - unstarted.size;
  }

  /** Runs the handler; true when the delivery is done with (acked or dropped) and may be deleted. */
  private async deliver(sub: Subscription, row: DeliveryRow, lease: Date): Promise<boolean> {
    const event = row.event as CloudEvent;
    let outcome: HandlerOutcome;
    try {
      outcome = await sub.handler(event);
    } catch (err) {
      await this.fail(sub, row, lease, errorMessage(err), isPoison(err));
      this.activity++;
      return false;
    }
    this.activity++;
    switch (outcome) {
      case 'ack':
        return true;
      case 'drop':
        this.logger.warn(
          { topic: sub.topic, subscription: sub.name, eventId: row.eventId, type: event.type, attempt: row.attempts + 1 },
          'event dropped by its handler',
        );
        return true;
      case 'retry':
        await this.fail(sub, row, lease, 'handler asked to retry');
        return false;
      default:
        // A JavaScript handler can return anything; only an explicit ack or drop removes an event.
        await this.fail(sub, row, lease, `handler returned ${String(outcome as unknown)}`);
        return false;
    }
  }

  private async fail(sub: Subscription, row: DeliveryRow, lease: Date, reason: string, poison = false): Promise<void> {
    const attempts = row.attempts + 1;
    const now = this.clock.now();
    if (!poison && attempts < this.maxAttempts) {
      await retryDelivery(this.db, row, lease, { attempts, availableAt: addMs(now, this.backoff(attempts)), lastError: reason });
      return;
    }
    const id = await deadLetterDelivery(this.db, { row, lease, attempts, reason, deadLetterTopic: sub.deadLetterTopic, now });
    if (id === null) return;
    this.logger.error(
      {
        topic: sub.topic,
        subscription: sub.name,
        eventId: row.eventId,
        attempts,
        reason,
        deadLetterId: id,
        deadLetterTopic: sub.deadLetterTopic,
      },
      poison ? 'poison event dead-lettered without retry' : 'event dead-lettered after its retry budget',
    );
    // What was forwarded to the dead-letter topic may have local subscribers.
    if (this.running) setImmediate(() => this.wake(sub.deadLetterTopic));
  }
}

const subscriptionId = (topic: string, name: string): string => `${topic}\u0000${name}`;

/** Outbox rows one sweep queues at most. */
const SWEEP_BATCH = 100;
/** How long a leftover outbox row that could not be queued waits before the next try. */
const LEFTOVER_RETRY_MS = 60_000;

/** A `nonEmpty` path as the database takes it: property names, at least one, none empty. */
function checkedPath(name: string, path: readonly string[] | undefined): readonly string[] | undefined {
  if (path === undefined) return undefined;
  if (!path.length || path.some((key) => typeof key !== 'string' || !key.length))
    throw new Error(`subscription "${name}": nonEmpty must be a path of one or more property names`);
  return path;
}

/** How many rows queued behind its heads a claim may take, in batch sizes. */
const FOLLOWER_BATCHES = 4;

/** Claimed rows (in publish order) as one lane per partition key; a row without a key is a lane of its own. */
function lanesByKey(rows: readonly DeliveryRow[]): DeliveryRow[][] {
  const lanes: DeliveryRow[][] = [];
  const byKey = new Map<string, DeliveryRow[]>();
  for (const row of rows) {
    const lane = row.partitionKey === null ? undefined : byKey.get(row.partitionKey);
    if (lane) lane.push(row);
    else {
      const created = [row];
      lanes.push(created);
      if (row.partitionKey !== null) byKey.set(row.partitionKey, created);
    }
  }
  return lanes;
}
