/**
 * What only the embedded bus promises beyond the contract: leases for crash safety, per-key
 * order, several processes sharing one database, the dead-letter table, and its lifecycle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { schema, type Database } from '@todo/storage';
import { DbEventBus, type EventHandler } from '../src/index.js';
import { backoff, inProcessBusHarness, MAX_ATTEMPTS } from './in-process.harness.js';
import { deferred, recordingLogger, testEvent, turn, uniqueName } from './support.js';

const LEASE_MS = 30_000;
const label = (e: CloudEvent) => (e.data as unknown as { label: string }).label;

export function runBusInternals(db: () => Database): void {
  describe('DbEventBus beyond the contract', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn();
    });
    const harness = (logger = recordingLogger()) => {
      const h = inProcessBusHarness(db(), logger);
      cleanup.push(() => h.close());
      return h;
    };
    /** Another process on the same database and clock. */
    const replica = (h: ReturnType<typeof harness>) => {
      const bus = new DbEventBus({ db: db().db, clock: h.clock, maxAttempts: MAX_ATTEMPTS, backoff });
      cleanup.push(() => bus.stop());
      return bus;
    };
    const collect =
      (into: string[], decide: EventHandler = async () => 'ack'): EventHandler =>
      async (e) => {
        into.push(label(e));
        return decide(e);
      };

    it('redelivers an event claimed by a dispatcher that died, once its lease expires', async () => {
      const h = harness();
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      const claimed = deferred();
      const dead = replica(h);
      dead.subscribe(
        topic,
        () => {
          claimed.resolve();
          return new Promise(() => undefined); // the process is gone: this never settles
        },
        { name: subscription },
      );
      const seen: string[] = [];
      h.bus.subscribe(topic, collect(seen), { name: subscription });
      // Registered but idle while the doomed replica claims the event, so it is the one that gets it.
      await h.bus.start();
      await h.bus.stop();
      await h.publishEvent(topic, { data: { label: 'orphan' } });
      void dead.drain();
      await claimed.promise;
      await h.bus.start();
      await h.settle();
      await h.advance(LEASE_MS - 1);
      expect(seen).toEqual([]);
      await h.advance(1);
      expect(seen).toEqual(['orphan']);
    });

    it("keeps one partition key's events in publish order while an earlier one is retried", async () => {
      const h = harness();
      const topic = uniqueName('t');
      const seen: string[] = [];
      let failures = 2;
      h.bus.subscribe(
        topic,
        collect(seen, async (e) => (label(e) === 'k1-first' && failures-- > 0 ? 'retry' : 'ack')),
        { name: uniqueName('s') },
      );
      await h.bus.start();
      for (const [l, key] of [
        ['k1-first', 'k1'],
        ['k1-second', 'k1'],
        ['k2-only', 'k2'],
      ] as const)
        await h.publishEvent(topic, { key, data: { label: l } });
      await h.settle();
      expect(seen).toEqual(['k1-first', 'k2-only']);
      await h.advance(backoff(1));
      expect(seen).toEqual(['k1-first', 'k2-only', 'k1-first']);
      await h.advance(backoff(2));
      expect(seen).toEqual(['k1-first', 'k2-only', 'k1-first', 'k1-first', 'k1-second']);
    });

    it("hands a key's queued events over one at a time, and a retried one holds back those behind it", async () => {
      const h = harness();
      const topic = uniqueName('t');
      const seen: string[] = [];
      let running = 0;
      let overlapped = false;
      let failures = 1;
      h.bus.subscribe(
        topic,
        collect(seen, async (e) => {
          overlapped ||= ++running > 1;
          await turn();
          running--;
          return label(e) === 'k1-2' && failures-- > 0 ? 'retry' : 'ack';
        }),
        { name: uniqueName('s') },
      );
      // Queued while the bus is stopped, so one claim takes k1-1 with the rows behind it.
      await h.bus.start();
      await h.bus.stop();
      for (const l of ['k1-1', 'k1-2', 'k1-3', 'k1-4']) await h.publishEvent(topic, { key: 'k1', data: { label: l } });
      await h.bus.start();
      await h.settle();
      expect(seen).toEqual(['k1-1', 'k1-2']);
      await h.advance(backoff(1));
      expect(seen).toEqual(['k1-1', 'k1-2', 'k1-2', 'k1-3', 'k1-4']);
      expect(overlapped).toBe(false);
    });

    it('delivers what another process publishes, to subscriptions that process never saw', async () => {
      const h = harness();
      const topic = uniqueName('t');
      const seen: string[] = [];
      h.bus.subscribe(topic, collect(seen), { name: uniqueName('s') });
      const publisher = replica(h);
      await h.bus.start();
      await publisher.publish(topic, testEvent(h.clock.now(), { data: { label: 'from afar' } }));
      await h.settle();
      expect(seen).toEqual(['from afar']);
    });

    it('does not queue events for a subscription published before it was ever started', async () => {
      const h = harness();
      const topic = uniqueName('t');
      await h.publishEvent(topic, { data: { label: 'too early' } });
      const seen: string[] = [];
      h.bus.subscribe(topic, collect(seen), { name: uniqueName('s') });
      await h.bus.start();
      await h.advance(1_000);
      expect(seen).toEqual([]);
    });

    it('queues for a subscription with a nonEmpty path only the events with a value there', async () => {
      const h = harness();
      const topic = uniqueName('t');
      const all: string[] = [];
      const some: string[] = [];
      h.bus.subscribe(topic, collect(all), { name: uniqueName('all') });
      h.bus.subscribe(topic, collect(some), { name: uniqueName('some'), nonEmpty: ['data', 'items'] });
      await h.bus.start();
      const values: [string, unknown][] = [
        ['missing', undefined],
        ['null', null],
        ['empty list', []],
        ['empty object', {}],
        ['empty text', ''],
        ['one', [1]],
        ['text', 'x'],
        ['object', { a: 1 }],
        ['zero', 0],
      ];
      for (const [name, items] of values) await h.publishEvent(topic, { data: { label: name, items } });
      await h.settle();
      expect(all.sort()).toEqual(values.map(([name]) => name).sort());
      expect(some.sort()).toEqual(['object', 'one', 'text', 'zero']);
      const queued = await db().db.select().from(schema.eventDeliveries).where(eq(schema.eventDeliveries.topic, topic));
      expect(queued).toEqual([]);
    });

    it('refuses a nonEmpty path without property names when subscribing', () => {
      const h = harness();
      expect(() => h.bus.subscribe(uniqueName('t'), async () => 'ack', { name: 'no-path', nonEmpty: [] })).toThrow(
        /subscription "no-path": nonEmpty must be a path of one or more property names/,
      );
      expect(() => h.bus.subscribe(uniqueName('t'), async () => 'ack', { name: 'blank', nonEmpty: ['data', ''] })).toThrow(
        /subscription "blank": nonEmpty/,
      );
    });

    it('shares a subscription between replicas: each event is handled once', async () => {
      const h = harness();
      const topic = uniqueName('t');
      const name = uniqueName('s');
      const other = replica(h);
      const seenHere: string[] = [];
      const seenThere: string[] = [];
      h.bus.subscribe(topic, collect(seenHere), { name });
      other.subscribe(topic, collect(seenThere), { name });
      await h.bus.start();
      await other.start();
      const labels = Array.from({ length: 20 }, (_, i) => `e${i}`);
      for (const l of labels) await h.publishEvent(topic, { data: { label: l } });
      await Promise.all([h.bus.drain(), other.drain()]);
      expect([...seenHere, ...seenThere].sort()).toEqual([...labels].sort());
    });

    it("runs each subscription's events at most its own `concurrency` at a time, else the bus's", async () => {
      const h = harness();
      const bus = new DbEventBus({
        db: db().db,
        clock: h.clock,
        maxAttempts: MAX_ATTEMPTS,
        backoff,
        batchSize: 50,
        concurrency: 8,
      });
      cleanup.push(() => bus.stop());
      const topic = uniqueName('t');
      const most: Record<string, number> = {};
      const counting = (name: string): EventHandler => {
        let running = 0;
        most[name] = 0;
        return async () => {
          most[name] = Math.max(most[name]!, ++running);
          await new Promise<void>((resolve) => setImmediate(resolve)); // let the others of the pass start
          running--;
          return 'ack';
        };
      };
      bus.subscribe(topic, counting('narrow'), { name: 'narrow', concurrency: 2 });
      bus.subscribe(topic, counting('wide'), { name: 'wide', concurrency: 20 });
      bus.subscribe(topic, counting('default'), { name: 'default' });
      // Started once to record the subscriptions, then stopped: all 30 wait for one pass of `drain`.
      await bus.start();
      await bus.stop();
      for (let i = 0; i < 30; i++) await bus.publish(topic, testEvent(h.clock.now(), { data: { label: `e${i}` } }));
      await bus.drain();
      expect(most).toEqual({ narrow: 2, wide: 20, default: 8 });
    });

    it('records a dead letter with topic, subscription, reason and attempts, and logs it', async () => {
      const logger = recordingLogger();
      const h = harness(logger);
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      h.bus.subscribe(
        topic,
        async () => {
          throw new Error('template missing');
        },
        { name: subscription },
      );
      await h.bus.start();
      const event = await h.publishEvent(topic, { type: 'todo.reminder.due.v1', key: 'task-9' });
      await h.settle();
      for (let failed = 1; failed < MAX_ATTEMPTS; failed++) await h.advance(backoff(failed));
      const rows = await db().db.select().from(schema.deadLetters).where(eq(schema.deadLetters.eventId, event.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        topic,
        subscription,
        eventType: 'todo.reminder.due.v1',
        reason: 'template missing',
        attempts: MAX_ATTEMPTS,
        replayedAt: null,
      });
      expect(rows[0]?.event).toEqual(event);
      expect(await db().db.select().from(schema.eventDeliveries).where(eq(schema.eventDeliveries.eventId, event.id))).toEqual([]);
      const logged = logger.records.find((r) => r.level === 'error');
      expect(logged?.obj).toMatchObject({
        topic,
        subscription,
        eventId: event.id,
        reason: 'template missing',
        attempts: MAX_ATTEMPTS,
        deadLetterTopic: `${topic}-dlq`,
      });
    });

    it("logs a warning when a handler answers 'drop'", async () => {
      const logger = recordingLogger();
      const h = harness(logger);
      const topic = uniqueName('t');
      h.bus.subscribe(topic, async () => 'drop', { name: uniqueName('s') });
      await h.bus.start();
      const event = await h.publishEvent(topic);
      await h.settle();
      expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.obj['eventId'])).toEqual([event.id]);
    });

    it('delivers in the background after start(), woken by publish', async () => {
      const logger = recordingLogger();
      const h = harness(logger);
      const topic = uniqueName('t');
      const got = deferred<string>();
      h.bus.subscribe(topic, async (e) => (got.resolve(label(e)), 'ack'), { name: uniqueName('s') });
      await h.bus.start();
      await h.publishEvent(topic, { data: { label: 'no drain needed' } });
      expect(await got.promise).toBe('no drain needed');
      await h.bus.stop();
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('stop() waits for the handler in flight and leaves the rest unclaimed', async () => {
      const h = harness();
      const topic = uniqueName('t');
      const started = deferred();
      const release = deferred();
      const seen: string[] = [];
      h.bus.subscribe(
        topic,
        collect(seen, async () => (started.resolve(), await release.promise, 'ack')),
        { name: uniqueName('s') },
      );
      await h.bus.start();
      await h.bus.stop();
      // One key: b and c wait behind a, so only a is claimed and started.
      for (const l of ['a', 'b', 'c']) await h.publishEvent(topic, { data: { label: l }, key: 'one-task' });
      await h.bus.start();
      await started.promise;
      let stopped = false;
      const stopping = h.bus.stop().then(() => (stopped = true));
      await turn();
      expect(stopped).toBe(false);
      release.resolve();
      await stopping;
      expect(seen).toEqual(['a']);
      const left = await db().db.select().from(schema.eventDeliveries).where(eq(schema.eventDeliveries.topic, topic));
      expect(left.map((r) => [label(r.event as CloudEvent), r.lockedUntil])).toEqual([
        ['b', null],
        ['c', null],
      ]);
    });

    it('refuses ambiguous subscriptions and late ones', async () => {
      const h = harness();
      const topic = uniqueName('t');
      h.bus.subscribe(topic, async () => 'ack', { name: 'one' });
      expect(() => h.bus.subscribe(topic, async () => 'ack', { name: 'one' })).toThrow(/one handler per/);
      expect(() => h.bus.subscribe(topic, async () => 'ack', { name: 'two', types: [] })).toThrow(/no types/);
      await h.bus.start();
      expect(() => h.bus.subscribe(topic, async () => 'ack', { name: 'three' })).toThrow(/before start/);
    });
  });
}
