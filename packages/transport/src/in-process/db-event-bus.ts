/**
 * The embedded EventBus: a durable queue in `event_deliveries`, one row per
 * (event, subscription), dispatched by every process that shares the database. Delivery is
 * at-least-once and never inside `publish()`; a thrown error counts as `retry`, so a bug in a
 * handler delays an event instead of losing it.
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
  insertDeliveries,
  insertDeliveryBatch,
  releaseDeliveries,
  replayDeadLetter,
  retryDelivery,
  upsertAnnouncement,
  upsertSubscriptions,
  DELIVERY_CHANNEL,
  type DeliveryRow,
  type OutboundEvent,
  type SubscriptionRecord,
} from './delivery-store.js';
import { moveOutboxToDeliveries, type Announcement, type MovedEvent } from './outbox-to-deliveries.js';
import { PassRunner, Ticker } from './runner.js';

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
   * Events of these types that the relay step publishes are also sent as a PostgreSQL NOTIFY
   * on this channel, by the same statement (outbox-to-deliveries.ts): how every process
   * sharing the database hears of them, e.g. for live updates.
   */
  announce?: Announcement;
  /**
   * Where writers that deliver in place (`outboxMode: 'deliver'`) say which subscription got
   * rows; listened to, so that they are handled at once in every process, not at the next poll.
   */
  notifications?: Notifications;
}

/** Anything `drain()` should run to quiescence alongside the deliveries (the outbox relay). */
export interface DrainablePass {
  runOnce(): Promise<number>;
}

interface Subscription extends SubscriptionRecord {
  handler: EventHandler;
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
  private relay: DrainablePass | undefined;
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
    const pollIntervalMs = options.pollIntervalMs ?? 500;
    this.ticker = new Ticker(
      () => {
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
      jsonPath: options.jsonPath,
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

  /** Includes the relay in `drain()`, so one call moves outbox → deliveries → handlers. */
  attachRelay(relay: DrainablePass): void {
    this.relay = relay;
  }

  async publish(topic: Topic | string, event: CloudEvent, options?: { key?: string }): Promise<void> {
    const key = options?.key ?? event.partitionkey ?? null;
    await insertDeliveries(this.db, { topic, event, key, now: this.clock.now() });
    this.activity++;
    // Deferred so a handler can never run before publish() has returned to its caller.
    if (this.running) setImmediate(() => this.wake(topic, [event.type]));
  }

  /** `publish` for many events in one statement (the outbox relay's batches). */
  async publishMany(events: readonly OutboundEvent[]): Promise<void> {
    if (!events.length) return;
    await insertDeliveryBatch(this.db, events, this.clock.now());
    this.published(events);
  }

  /**
   * The outbox relay's step on this bus: due outbox rows become deliveries and are marked
   * published in one statement (outbox-to-deliveries.ts), and announced when asked to.
   * Returns what moved, in order.
   */
  async publishFromOutbox(now: Date, limit: number): Promise<MovedEvent[]> {
    const moved = await moveOutboxToDeliveries(this.db, now, limit, this.announce);
    if (!moved.length) return moved;
    this.activity++;
    // Only the subscriptions that got rows: most events pass some by (a type filter or a JSON
    // path), and waking those would cost a claim that finds nothing.
    const queued = new Set(moved.flatMap((m) => m.queuedFor.map((name) => subscriptionId(m.topic, name))));
    if (this.running && queued.size) {
      setImmediate(() => queued.forEach((id) => void this.subscriptions.get(id)?.runner.runUntilIdle()));
    }
    return moved;
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

  /** Wakes the subscriptions that the committed events are for. */
  private published(events: readonly { topic: string; event: CloudEvent }[]): void {
    this.activity++;
    if (!this.running) return;
    const types = new Map<string, string[]>();
    for (const e of events) types.set(e.topic, [...(types.get(e.topic) ?? []), e.event.type]);
    setImmediate(() => types.forEach((list, topic) => this.wake(topic, list)));
  }

  async start(): Promise<void> {
    if (this.running) return;
    await upsertSubscriptions(this.db, [...this.subscriptions.values()], this.clock.now());
    if (this.announce) await upsertAnnouncement(this.db, this.announce, this.clock.now());
    this.unlisten = await this.notifications?.listen(DELIVERY_CHANNEL, (payload) => this.queuedElsewhere(payload));
    for (const sub of this.subscriptions.values()) sub.runner.resume();
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
      await Promise.all([...this.subscriptions.values()].map((s) => s.runner.halt()));
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
      const relayed = this.relay ? await this.relay.runOnce() : 0;
      const handled = await Promise.all([...this.subscriptions.values()].map((s) => s.runner.runPass()));
      if (relayed === 0 && handled.every((n) => n === 0) && this.activity === before) return;
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
      await Promise.all(Array.from({ length: Math.min(this.concurrency, lanes.length) }, worker));
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
