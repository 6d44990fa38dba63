/**
 * The EventBus contract: what every implementation must do identically. The
 * embedded bus runs it on PostgreSQL; the Dapr bus runs it against a real sidecar,
 * where `advance` really waits. Each test uses fresh topic and subscription names, so a harness
 * may share its storage or broker between tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '@todo/domain';
import { PoisonEventError, type EventBus, type HandlerOutcome } from '../src/index.js';
import { deferred, uniqueName, type TestEventInit } from './support.js';

export interface DeadLetterView {
  id: string;
  reason: string;
  attempts: number;
}

export interface EventBusHarness {
  bus: EventBus;
  /** Publishes a test CloudEvent (a fresh id unless given) and returns it. */
  publishEvent(topic: string, init?: TestEventInit): Promise<CloudEvent>;
  /** Moves time on by `ms`, then settles. */
  advance(ms: number): Promise<void>;
  /** Resolves once everything due now has been handled. */
  settle(): Promise<void>;
  /** The retry budget (handler runs per delivery) and the backoff the bus was built with. */
  maxAttempts: number;
  backoffMs(failedAttempts: number): number;
  /** The bus's own dead-letter store, when it has one (reason, replay); a broker may keep none. */
  deadLetters?: {
    find(eventId: string, subscription: string): Promise<DeadLetterView | null>;
    replay(id: string): Promise<boolean>;
  };
  /**
   * What a dead letter received on the dead-letter topic says about itself, for a bus that tells
   * the reason on the event rather than in a store (Dapr: CloudEvent extensions); null if nothing.
   */
  readDeadLetter?(letter: CloudEvent): { reason: string; subscription: string; topic: string } | null;
  close(): Promise<void>;
}

type Received = { subscription: string; event: CloudEvent };

export function runEventBusContract(name: string, createHarness: () => Promise<EventBusHarness>): void {
  describe(`EventBus contract: ${name}`, () => {
    let h: EventBusHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    const setup = async () => (h = await createHarness());

    /** Subscribes a recorder that answers with `decide` (ack by default); returns what it saw. */
    function record(
      bus: EventBus,
      topic: string,
      subscription: string,
      decide?: (e: CloudEvent, n: number) => Promise<HandlerOutcome> | HandlerOutcome,
      extra: { types?: string[]; deadLetterTopic?: string } = {},
    ) {
      const seen: Received[] = [];
      bus.subscribe(
        topic,
        async (event) => {
          seen.push({ subscription, event });
          return decide ? decide(event, seen.filter((s) => s.event.id === event.id).length) : 'ack';
        },
        { name: subscription, ...extra },
      );
      return seen;
    }
    const ids = (seen: Received[]) => seen.map((s) => s.event.id);

    /** Runs the retry schedule: after the first attempt, each backoff in turn. */
    async function throughRetries(harness: EventBusHarness): Promise<void> {
      for (let failed = 1; failed < harness.maxAttempts; failed++) await harness.advance(harness.backoffMs(failed));
    }

    it('delivers an event to every subscription of its topic and to no other topic', async () => {
      const { bus, publishEvent, settle } = await setup();
      const topic = uniqueName('t');
      const other = uniqueName('t');
      const a = record(bus, topic, uniqueName('a'));
      const b = record(bus, topic, uniqueName('b'));
      const c = record(bus, other, uniqueName('c'));
      await bus.start();
      const event = await publishEvent(topic);
      await settle();
      expect(ids(a)).toEqual([event.id]);
      expect(ids(b)).toEqual([event.id]);
      expect(c).toEqual([]);
      expect(a[0]?.event).toMatchObject({ id: event.id, type: event.type, data: event.data });
    });

    it('delivers only the listed types to a filtered subscription', async () => {
      const { bus, publishEvent, settle } = await setup();
      const topic = uniqueName('t');
      const filtered = record(bus, topic, uniqueName('completions'), undefined, { types: ['todo.task.completed.v1'] });
      const all = record(bus, topic, uniqueName('all'));
      await bus.start();
      const created = await publishEvent(topic, { type: 'todo.task.created.v1' });
      const completed = await publishEvent(topic, { type: 'todo.task.completed.v1' });
      await settle();
      expect(ids(filtered)).toEqual([completed.id]);
      expect(ids(all).sort()).toEqual([created.id, completed.id].sort());
    });

    it('never delivers inside publish()', async () => {
      const { bus, publishEvent, settle } = await setup();
      const topic = uniqueName('t');
      const seen = record(bus, topic, uniqueName('s'));
      await bus.start();
      await publishEvent(topic);
      expect(seen).toHaveLength(0);
      await settle();
      expect(seen).toHaveLength(1);
    });

    it('retries a handler that throws, only once the backoff has elapsed', async () => {
      const { bus, publishEvent, settle, advance, backoffMs } = await setup();
      const topic = uniqueName('t');
      const seen = record(bus, topic, uniqueName('s'), (_e, n) => {
        if (n === 1) throw new Error('transient');
        return 'ack';
      });
      await bus.start();
      await publishEvent(topic);
      await settle();
      expect(seen).toHaveLength(1);
      await advance(backoffMs(1) - 1);
      expect(seen).toHaveLength(1);
      await advance(1);
      expect(seen).toHaveLength(2);
      await advance(backoffMs(5));
      expect(seen).toHaveLength(2);
    });

    it("retries when the handler answers 'retry', with growing backoff", async () => {
      const { bus, publishEvent, settle, advance, backoffMs } = await setup();
      const topic = uniqueName('t');
      const seen = record(bus, topic, uniqueName('s'), (_e, n) => (n < 3 ? 'retry' : 'ack'));
      await bus.start();
      await publishEvent(topic);
      await settle();
      await advance(backoffMs(1));
      expect(seen).toHaveLength(2);
      await advance(backoffMs(2) - 1);
      expect(seen).toHaveLength(2);
      await advance(1);
      expect(seen).toHaveLength(3);
      await advance(backoffMs(5));
      expect(seen).toHaveLength(3);
    });

    it("removes an event its handler answers 'drop' for, without retry or dead letter", async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      const seen = record(harness.bus, topic, subscription, () => 'drop');
      const dlq = record(harness.bus, `${topic}-dlq`, uniqueName('dlq'));
      await harness.bus.start();
      const event = await harness.publishEvent(topic);
      await harness.settle();
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(ids(seen)).toEqual([event.id]);
      expect(dlq).toEqual([]);
      if (harness.deadLetters) expect(await harness.deadLetters.find(event.id, subscription)).toBeNull();
    });

    it('dead-letters an event after the retry budget, to <topic>-dlq, with the reason', async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      const seen = record(harness.bus, topic, subscription, () => {
        throw new Error('smtp said no');
      });
      const dlq = record(harness.bus, `${topic}-dlq`, uniqueName('dlq'));
      await harness.bus.start();
      const event = await harness.publishEvent(topic);
      await harness.settle();
      await throughRetries(harness);
      expect(seen).toHaveLength(harness.maxAttempts);
      expect(ids(dlq)).toEqual([event.id]);
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(seen).toHaveLength(harness.maxAttempts);
      if (harness.deadLetters) {
        const letter = await harness.deadLetters.find(event.id, subscription);
        expect(letter).toMatchObject({ reason: 'smtp said no', attempts: harness.maxAttempts });
      }
    });

    it('dead-letters a poison event at once, with its reason, without retries', async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      const seen = record(harness.bus, topic, subscription, () => {
        throw new PoisonEventError('data.userId: invalid uuid');
      });
      const dlq = record(harness.bus, `${topic}-dlq`, uniqueName('dlq'));
      await harness.bus.start();
      const event = await harness.publishEvent(topic);
      await harness.settle();
      expect(ids(seen)).toEqual([event.id]);
      expect(ids(dlq)).toEqual([event.id]);
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(seen).toHaveLength(1);
      if (harness.deadLetters) {
        expect(await harness.deadLetters.find(event.id, subscription)).toMatchObject({
          reason: 'data.userId: invalid uuid',
          attempts: 1,
        });
      }
      if (harness.readDeadLetter) {
        expect(harness.readDeadLetter(dlq[0]!.event)).toEqual({ reason: 'data.userId: invalid uuid', subscription, topic });
      }
    });

    it('sends dead letters to the dead-letter topic the subscription names', async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      const custom = uniqueName('custom-dlq');
      record(harness.bus, topic, uniqueName('s'), () => 'retry', { deadLetterTopic: custom });
      const dlq = record(harness.bus, custom, uniqueName('dlq'));
      const defaultDlq = record(harness.bus, `${topic}-dlq`, uniqueName('default-dlq'));
      await harness.bus.start();
      const event = await harness.publishEvent(topic);
      await harness.settle();
      await throughRetries(harness);
      expect(ids(dlq)).toEqual([event.id]);
      expect(defaultDlq).toEqual([]);
    });

    it('replays a dead letter as a fresh delivery to its subscription', async (ctx) => {
      const harness = await setup();
      const deadLetters = harness.deadLetters;
      if (!deadLetters) return ctx.skip('this transport keeps no dead-letter store to replay from');
      const topic = uniqueName('t');
      const subscription = uniqueName('s');
      let healed = false;
      const seen = record(harness.bus, topic, subscription, () => (healed ? 'ack' : 'retry'));
      const bystander = record(harness.bus, topic, uniqueName('bystander'));
      await harness.bus.start();
      const event = await harness.publishEvent(topic);
      await harness.settle();
      await throughRetries(harness);
      const letter = await deadLetters.find(event.id, subscription);
      expect(letter?.reason).toBe('handler asked to retry');
      healed = true;
      expect(await deadLetters.replay(letter!.id)).toBe(true);
      await harness.settle();
      expect(seen).toHaveLength(harness.maxAttempts + 1);
      expect(ids(bystander)).toEqual([event.id]);
      expect(await deadLetters.replay(letter!.id)).toBe(false);
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(seen).toHaveLength(harness.maxAttempts + 1);
    });

    it('keeps delivering other events and other subscriptions while one handler keeps failing', async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      let poison = '';
      const failing = record(harness.bus, topic, uniqueName('picky'), (e) => (e.id === poison ? 'retry' : 'ack'));
      const healthy = record(harness.bus, topic, uniqueName('healthy'));
      await harness.bus.start();
      poison = (await harness.publishEvent(topic, { key: 'task-1' })).id;
      const next = await harness.publishEvent(topic, { key: 'task-2' });
      await harness.settle();
      expect(ids(failing).sort()).toEqual([poison, next.id].sort());
      expect(ids(healthy).sort()).toEqual([poison, next.id].sort());
      const later = await harness.publishEvent(topic, { key: 'task-3' });
      await harness.advance(harness.backoffMs(1));
      expect(ids(failing).filter((id) => id === poison)).toHaveLength(2);
      expect(ids(failing)).toContain(later.id);
      expect(ids(healthy)).toContain(later.id);
    });

    it('runs different subscriptions concurrently', async () => {
      const { bus, publishEvent, settle } = await setup();
      const topic = uniqueName('t');
      const fastSaw = deferred<'fast first'>();
      let slowSaw: string | undefined;
      bus.subscribe(
        topic,
        async () => {
          // Without concurrency this would wait for the guard, and the fast handler would run after.
          const guard = new Promise<'serial'>((resolve) => setTimeout(() => resolve('serial'), 5_000).unref());
          slowSaw = await Promise.race([fastSaw.promise, guard]);
          return 'ack';
        },
        { name: uniqueName('slow') },
      );
      bus.subscribe(
        topic,
        async () => {
          fastSaw.resolve('fast first');
          return 'ack';
        },
        { name: uniqueName('fast') },
      );
      await bus.start();
      await publishEvent(topic);
      await settle();
      expect(slowSaw).toBe('fast first');
    });

    it('does not redeliver acknowledged events; a repeated publish may be seen twice', async () => {
      const harness = await setup();
      const topic = uniqueName('t');
      const seen = record(harness.bus, topic, uniqueName('s'));
      await harness.bus.start();
      const events = [];
      for (let i = 0; i < 5; i++) events.push(await harness.publishEvent(topic, { key: `task-${i % 2}` }));
      const repeated = await harness.publishEvent(topic, { id: events[0]!.id });
      await harness.settle();
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      const counts = new Map<string, number>();
      for (const id of ids(seen)) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const e of events.slice(1)) expect(counts.get(e.id)).toBe(1);
      // At-least-once: the bus does not de-duplicate; consumers do, by event id.
      expect(counts.get(repeated.id)).toBeGreaterThanOrEqual(1);
      expect(counts.get(repeated.id)).toBeLessThanOrEqual(2);
    });
  });
}
