/**
 * The outbox relay (the Dapr runtime's): rows reach the bus in order, failures back off,
 * restarts resume. And the embedded bus's sweep of rows a relay-mode writer left.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { schema } from '@todo/storage';
import { TestClock } from '@todo/testing';
import { DbEventBus, OutboxRelay, type EventBus, type PublishedEvent } from '../src/index.js';
import { backoff } from './in-process.harness.js';
import { useDatabase } from './in-process.suites.js';
import { deferred, recordingLogger, testEvent, uniqueName } from './support.js';

const LEASE_MS = 30_000;

describe('OutboxRelay', () => {
  const db = useDatabase();
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
    // Relays publish every pending row of the table: leave none behind for the next test.
    await db().db.delete(schema.outbox);
  });

  /** Writes outbox rows as a service would (a second apart, so their order is known). */
  async function writeOutbox(clock: TestClock, rows: { topic: string; key?: string; label: string }[]): Promise<CloudEvent[]> {
    const events: CloudEvent[] = [];
    for (const [i, row] of rows.entries()) {
      const createdAt = new Date(clock.now().getTime() - (rows.length - i) * 1_000);
      const event = testEvent(createdAt, { id: randomUUID(), data: { label: row.label }, ...(row.key ? { key: row.key } : {}) });
      await db()
        .db.insert(schema.outbox)
        .values({
          id: event.id,
          topic: row.topic,
          type: event.type,
          partitionKey: row.key ?? null,
          event,
          createdAt,
          availableAt: createdAt,
        });
      events.push(event);
    }
    return events;
  }

  /** A bus stand-in that records publishes and fails when told to. */
  function fakeBus(fail: (event: CloudEvent, n: number) => boolean = () => false) {
    const published: { topic: string; label: string; key: string | undefined }[] = [];
    const tries = new Map<string, number>();
    const bus: Pick<EventBus, 'publish'> = {
      async publish(topic, event, options) {
        const n = (tries.get(event.id) ?? 0) + 1;
        tries.set(event.id, n);
        if (fail(event, n)) throw new Error('broker unavailable');
        published.push({ topic, label: (event.data as unknown as { label: string }).label, key: options?.key });
      },
    };
    return { bus, published };
  }

  function relay(
    clock: TestClock,
    bus: Pick<EventBus, 'publish'>,
    extra: { onPublished?: (e: PublishedEvent) => void; batchSize?: number; lingerMs?: number; pollIntervalMs?: number } = {},
  ) {
    const r = new OutboxRelay({
      db: db().db,
      bus,
      clock,
      logger: recordingLogger(),
      backoff,
      leaseMs: LEASE_MS,
      ...extra,
    });
    cleanup.push(() => r.stop());
    return r;
  }

  it('publishes pending rows in order with their partition keys, marks them, and calls onPublished', async () => {
    const clock = new TestClock();
    const { bus, published } = fakeBus();
    const seen: string[] = [];
    const r = relay(clock, bus, { onPublished: (e) => seen.push(e.id), batchSize: 2 });
    const [t1, t2] = [uniqueName('t'), uniqueName('t')];
    const events = await writeOutbox(clock, [
      { topic: t1, key: 'task-1', label: 'a' },
      { topic: t2, label: 'b' },
      { topic: t1, key: 'task-1', label: 'c' },
    ]);
    await r.drain();
    expect(published).toEqual([
      { topic: t1, label: 'a', key: 'task-1' },
      { topic: t2, label: 'b', key: undefined },
      { topic: t1, label: 'c', key: 'task-1' },
    ]);
    expect(seen).toEqual(events.map((e) => e.id));
    const rows = await db()
      .db.select()
      .from(schema.outbox)
      .where(
        inArray(
          schema.outbox.id,
          events.map((e) => e.id),
        ),
      );
    expect(rows.every((row) => row.publishedAt?.getTime() === clock.now().getTime())).toBe(true);
    await r.drain();
    expect(published).toHaveLength(3);
  });

  it('paces wakes under a stream of commits: soon after a pass it waits for the linger, after a quiet spell it runs at once', async () => {
    // Pacing runs on the monotonic clock and timers, both faked here; the database is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    cleanup.push(async () => void vi.useRealTimers());
    const clock = new TestClock();
    const { bus, published } = fakeBus();
    const r = relay(clock, bus, { lingerMs: 50, pollIntervalMs: 3_600_000 });
    await r.start();
    await vi.advanceTimersByTimeAsync(0); // the first poll
    await r.runOnce(); // queued behind it
    vi.advanceTimersByTime(100); // then a quiet spell
    const topic = uniqueName('t');
    const publishedSoon = async (count: number) => {
      for (let turns = 0; published.length < count; turns++) {
        if (turns > 10_000) throw new Error(`expected ${count} published, saw ${published.length}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };

    await writeOutbox(clock, [{ topic, label: 'first' }]);
    let timers = vi.getTimerCount();
    r.wake();
    expect(vi.getTimerCount()).toBe(timers); // the first wake runs at once
    await publishedSoon(1);

    await writeOutbox(clock, [{ topic, label: 'second' }]);
    timers = vi.getTimerCount();
    r.wake();
    r.wake(); // coalesced with the one waiting
    expect(vi.getTimerCount()).toBe(timers + 1);
    await vi.advanceTimersByTimeAsync(49);
    expect(published.map((p) => p.label)).toEqual(['first']);
    await vi.advanceTimersByTimeAsync(1);
    await publishedSoon(2);

    vi.advanceTimersByTime(60); // quiet
    await writeOutbox(clock, [{ topic, label: 'third' }]);
    timers = vi.getTimerCount();
    r.wake();
    expect(vi.getTimerCount()).toBe(timers);
    await publishedSoon(3);
    expect(published.map((p) => p.label)).toEqual(['first', 'second', 'third']);
  });

  it('backs a failed row off, records the error, and holds back later rows of its key', async () => {
    const clock = new TestClock();
    const { bus, published } = fakeBus((e, n) => (e.data as unknown as { label: string }).label === 'first' && n === 1);
    const r = relay(clock, bus);
    const topic = uniqueName('t');
    const [first] = await writeOutbox(clock, [
      { topic, key: 'task-1', label: 'first' },
      { topic, key: 'task-1', label: 'second' },
      { topic, key: 'task-2', label: 'other' },
    ]);
    await r.drain();
    expect(published.map((p) => p.label)).toEqual(['other']);
    const [row] = await db().db.select().from(schema.outbox).where(eq(schema.outbox.id, first!.id));
    expect(row).toMatchObject({ attempts: 1, lastError: 'broker unavailable', publishedAt: null });
    expect(row?.availableAt.getTime()).toBe(clock.now().getTime() + backoff(1));
    clock.advance(backoff(1) - 1);
    await r.drain();
    expect(published).toHaveLength(1);
    clock.advance(1);
    await r.drain();
    expect(published.map((p) => p.label)).toEqual(['other', 'first', 'second']);
  });

  it('after a restart, publishes rows left unpublished, and rows a dead relay had claimed once its lease expires', async () => {
    const clock = new TestClock();
    const topic = uniqueName('t');
    await writeOutbox(clock, [{ topic, label: 'claimed by the dead relay' }]);
    const stuck = deferred();
    const dead = relay(clock, {
      publish: () => {
        stuck.resolve();
        return new Promise(() => undefined); // the process is gone: this never settles
      },
    });
    void dead.drain();
    await stuck.promise;
    await writeOutbox(clock, [{ topic, label: 'never claimed' }]);
    const { bus, published } = fakeBus();
    const fresh = relay(clock, bus);
    await fresh.drain();
    expect(published.map((p) => p.label)).toEqual(['never claimed']);
    clock.advance(LEASE_MS);
    await fresh.drain();
    expect(published.map((p) => p.label)).toEqual(['never claimed', 'claimed by the dead relay']);
  });

  it('publishes in the background after start(), woken by wake()', async () => {
    const clock = new TestClock();
    const got = deferred<string>();
    const r = relay(clock, { publish: async (_t, e) => got.resolve(e.id) });
    await r.start();
    const [event] = await writeOutbox(clock, [{ topic: uniqueName('t'), label: 'live' }]);
    r.wake();
    expect(await got.promise).toBe(event!.id);
  });

  it('deletes published rows once they are older than the retention period, and keeps unpublished ones', async () => {
    const clock = new TestClock('2026-11-27T09:00:00Z');
    const { bus } = fakeBus((event) => (event.data as unknown as { label: string }).label === 'stuck');
    const relay = new OutboxRelay({ db: db().db, bus, clock, backoff, retentionMs: 3_600_000 });
    const topic = uniqueName('t');
    const [sent, stuck] = await writeOutbox(clock, [
      { topic, label: 'sent' },
      { topic, label: 'stuck' },
    ]);
    await relay.runOnce();
    const ids = [sent!.id, stuck!.id];
    expect((await db().db.select().from(schema.outbox).where(inArray(schema.outbox.id, ids))).length).toBe(2);
    clock.advance(3_600_000 + 61_000);
    await relay.runOnce();
    const left = await db().db.select().from(schema.outbox).where(inArray(schema.outbox.id, ids));
    expect(left.map((r) => r.id)).toEqual([stuck!.id]);
  });

  it('the embedded bus sweeps left rows to handlers in one drain(), what the handlers write included', async () => {
    const clock = new TestClock();
    const bus = new DbEventBus({ db: db().db, clock, backoff });
    cleanup.push(() => bus.stop());
    const topic = uniqueName('t');
    const seen: string[] = [];
    const follow = uniqueName('t');
    // A handler that writes to the outbox in turn, as a role reacting to an event would.
    bus.subscribe(
      topic,
      async (e) => {
        seen.push((e.data as unknown as { label: string }).label);
        await writeOutbox(clock, [{ topic: follow, label: 'follow-up' }]);
        return 'ack';
      },
      { name: uniqueName('s') },
    );
    bus.subscribe(follow, async (e) => (seen.push((e.data as unknown as { label: string }).label), 'ack'), {
      name: uniqueName('s'),
    });
    await bus.start();
    await writeOutbox(clock, [{ topic, key: 'task-1', label: 'created' }]);
    await bus.drain();
    expect(seen).toEqual(['created', 'follow-up']);
  });

  it('the embedded bus sweeps more than a batch: every key keeps its order, other topics are passed by, the rows leave the outbox', async () => {
    const clock = new TestClock();
    const bus = new DbEventBus({ db: db().db, clock, backoff });
    cleanup.push(() => bus.stop());
    const topic = uniqueName('t');
    const byKey = new Map<string, string[]>();
    bus.subscribe(
      topic,
      async (e) => {
        const key = e.partitionkey ?? 'none';
        byKey.set(key, [...(byKey.get(key) ?? []), (e.data as unknown as { label: string }).label]);
        return 'ack';
      },
      { name: uniqueName('s') },
    );
    await bus.start();
    const rows = Array.from({ length: 150 }, (_, i) => ({ topic, key: `k${i % 3}`, label: String(i) }));
    await writeOutbox(clock, [...rows, { topic: uniqueName('other'), key: 'k0', label: 'elsewhere' }]);
    await bus.drain();
    for (const k of [0, 1, 2]) {
      expect(byKey.get(`k${k}`)).toEqual(rows.filter((row) => row.key === `k${k}`).map((row) => row.label));
    }
    expect(await db().db.select().from(schema.outbox)).toEqual([]);
  });
});
