/**
 * Events written on a connection that delivers in place (`outboxMode: 'deliver'`): queued for
 * the subscriptions that admit them and announced by the writing statement itself
 * (`todo_queue_event`, migration 0016); a relay-mode connection leaves them in the outbox, where
 * the embedded bus sweeps them up through the same function.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { schema, type Database, type Db } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { DbEventBus } from '../src/index.js';
import { DELIVERY_CHANNEL, upsertAnnouncement, upsertSubscriptions } from '../src/in-process/delivery-store.js';
import { deferred, recordingLogger, testEvent } from './support.js';

const TOPIC = 'in-place-events';
const LIVE = 'in_place_live';
const AT = new Date('2026-11-28T09:00:00Z');

describe('delivering outbox rows in place', () => {
  let database: Database;
  const heard: { channel: string; payload: unknown }[] = [];
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ outboxMode: 'deliver' });
    const subscription = (name: string, filter: { types?: string[]; nonEmpty?: string[] }) => ({
      topic: TOPIC,
      name,
      types: filter.types,
      nonEmpty: filter.nonEmpty,
      deadLetterTopic: `${TOPIC}-dlq`,
    });
    await upsertSubscriptions(
      database.db,
      [
        subscription('everything', {}),
        subscription('completions', { types: ['todo.task.completed.v1'] }),
        subscription('with-reminders', { nonEmpty: ['data', 'task', 'reminders'] }),
      ],
      AT,
    );
    await upsertAnnouncement(database.db, { channel: LIVE, types: ['todo.task.created.v1', 'todo.task.completed.v1'] }, AT);
    for (const channel of [LIVE, DELIVERY_CHANNEL]) {
      stops.push(
        await database.notifications.listen(channel, (payload) => heard.push({ channel, payload: JSON.parse(payload) })),
      );
    }
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await database?.close();
  });
  beforeEach(async () => {
    await database.db.delete(schema.eventDeliveries);
    await database.db.delete(schema.outbox);
    heard.length = 0;
  });

  const event = (type: string, task: Record<string, unknown>): CloudEvent =>
    testEvent(AT, { id: randomUUID(), type, key: 'user-1', data: { userId: 'user-1', task } });

  /** Writes events as every writer does: rows inserted into the outbox, here in one transaction. */
  async function write(on: Db, events: CloudEvent[]): Promise<void> {
    for (const e of events) {
      await on.insert(schema.outbox).values({
        id: e.id,
        topic: TOPIC,
        type: e.type,
        partitionKey: e.partitionkey ?? null,
        event: e,
        createdAt: AT,
        availableAt: AT,
      });
    }
  }

  const queued = () =>
    database.db
      .select({ subscription: schema.eventDeliveries.subscription, eventId: schema.eventDeliveries.eventId })
      .from(schema.eventDeliveries)
      .orderBy(asc(schema.eventDeliveries.seq));
  const outboxRows = () => database.db.select().from(schema.outbox);

  it('queues each event for the subscriptions that admit it, in write order, and keeps no outbox row', async () => {
    const plain = event('todo.task.created.v1', { id: 't1', reminders: [] });
    const reminded = event('todo.task.created.v1', { id: 't2', reminders: [{ id: 'r1' }] });
    const completed = event('todo.task.completed.v1', { id: 't3', reminders: [] });
    await database.db.transaction((tx) => write(tx as unknown as Db, [plain, reminded, completed]));

    expect(await queued()).toEqual([
      { subscription: 'everything', eventId: plain.id },
      { subscription: 'everything', eventId: reminded.id },
      { subscription: 'with-reminders', eventId: reminded.id },
      { subscription: 'completions', eventId: completed.id },
      { subscription: 'everything', eventId: completed.id },
    ]);
    expect(await outboxRows()).toEqual([]);
    // One wake per subscription that got rows (NOTIFY folds repeats within a transaction).
    await vi.waitFor(() => expect(heard.filter((h) => h.channel === DELIVERY_CHANNEL)).toHaveLength(3));
    expect(heard.filter((h) => h.channel === DELIVERY_CHANNEL).map((h) => h.payload)).toEqual(
      expect.arrayContaining([
        [TOPIC, 'everything'],
        [TOPIC, 'with-reminders'],
        [TOPIC, 'completions'],
      ]),
    );
  });

  it('announces the listed types whole, or by id when too large, and keeps those for reading back', async () => {
    const small = event('todo.task.created.v1', { id: 't1', title: 'small' });
    const unlisted = event('todo.task.updated.v1', { id: 't1', title: 'not announced' });
    const large = event('todo.task.completed.v1', { id: 't2', title: 'x'.repeat(8_000) });
    await write(database.db, [small, unlisted, large]);

    await vi.waitFor(() => expect(heard.filter((h) => h.channel === LIVE)).toHaveLength(2));
    expect(heard.filter((h) => h.channel === LIVE).map((h) => h.payload)).toEqual([
      [{ id: small.id, type: small.type, data: small.data }],
      [{ id: large.id, type: large.type, userId: 'user-1', stored: true }],
    ]);
    const kept = await outboxRows();
    expect(kept.map((r) => r.id)).toEqual([large.id]);
    expect(kept[0]!.publishedAt).toEqual(AT);
    expect(kept[0]!.event).toEqual(large);
  });

  it('queues and announces nothing for a write that is rolled back', async () => {
    const lost = event('todo.task.created.v1', { id: 'lost' });
    await expect(
      database.db.transaction(async (tx) => {
        await write(tx as unknown as Db, [lost]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const kept = event('todo.task.created.v1', { id: 'kept' });
    await write(database.db, [kept]);

    expect((await queued()).map((q) => q.eventId)).toEqual([kept.id]);
    // Notifications arrive in commit order: once the later write's is here, the lost one's would be too.
    await vi.waitFor(() => expect(heard.some((h) => h.channel === LIVE)).toBe(true));
    expect(heard.filter((h) => h.channel === LIVE).map((h) => (h.payload as { id: string }[])[0]!.id)).toEqual([kept.id]);
  });

  it('leaves events in the outbox for the relay on a connection that does not deliver in place', async () => {
    const relayed = event('todo.task.created.v1', { id: 't1' });
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('todo.outbox_mode', 'relay', true)`);
      await write(tx as unknown as Db, [relayed]);
    });
    expect(await queued()).toEqual([]);
    const rows = await database.db.select().from(schema.outbox).where(eq(schema.outbox.id, relayed.id));
    expect(rows).toMatchObject([{ publishedAt: null }]);
  });

  it('sweeps what a relay-mode writer left by the same rule, in order; a row it cannot queue waits with its key', async () => {
    const plain = event('todo.task.created.v1', { id: 't1', reminders: [] });
    const large = event('todo.task.completed.v1', { id: 't2', title: 'x'.repeat(8_000) });
    const broken = event('todo.task.created.v1', { id: 't3' });
    const behindBroken = event('todo.task.updated.v1', { id: 't3' });
    // As a writer in relay mode leaves them, a millisecond apart; one whose event has no id,
    // which cannot become a queue row, and a later event of its key.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('todo.outbox_mode', 'relay', true)`);
      for (const [i, [e, stored, key]] of (
        [
          [plain, plain, 'user-1'],
          [large, large, 'user-1'],
          [broken, { ...broken, id: undefined }, 'user-2'],
          [behindBroken, behindBroken, 'user-2'],
        ] as const
      ).entries()) {
        await tx.insert(schema.outbox).values({
          id: e.id,
          topic: TOPIC,
          type: e.type,
          partitionKey: key,
          event: stored,
          createdAt: new Date(AT.getTime() + i),
          availableAt: AT,
        });
      }
    });
    const logger = recordingLogger();
    const clock = new TestClock(AT.toISOString());
    const bus = new DbEventBus({ db: database.db, clock, logger });
    await bus.drain();

    expect(await queued()).toEqual([
      { subscription: 'everything', eventId: plain.id },
      { subscription: 'completions', eventId: large.id },
      { subscription: 'everything', eventId: large.id },
    ]);
    await vi.waitFor(() => expect(heard.filter((h) => h.channel === LIVE)).toHaveLength(2));
    expect(heard.filter((h) => h.channel === LIVE).map((h) => (h.payload as { id: string }[])[0]!.id)).toEqual([
      plain.id,
      large.id,
    ]);
    const left = await database.db.select().from(schema.outbox).orderBy(asc(schema.outbox.createdAt));
    expect(left.map((r) => [r.id, r.publishedAt, r.attempts])).toEqual([
      [large.id, AT, 0], // kept, as published, for reading back
      [broken.id, null, 1],
      [behindBroken.id, null, 0],
    ]);
    expect(left[1]!.lastError).toMatch(/event_id/);
    expect(left.slice(1).every((r) => r.availableAt > AT)).toBe(true);
    expect(logger.records.filter((r) => r.level !== 'info')).toEqual([]);
  });

  it('runs a subscription as soon as a writer queues rows for it, without waiting for the poll', async () => {
    const bus = new DbEventBus({
      db: database.db,
      clock: new TestClock(AT.toISOString()),
      notifications: database.notifications,
      pollIntervalMs: 3_600_000,
    });
    const received = deferred<CloudEvent>();
    bus.subscribe(TOPIC, async (e) => (received.resolve(e), 'ack'), { name: 'completions', types: ['todo.task.completed.v1'] });
    await bus.start();
    try {
      // The first poll is armed at start for the next turn of the event loop: let it run and
      // finish (drain waits for it). The next one is an hour away, so only the notification
      // can bring the event below.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await bus.drain();
      const completed = event('todo.task.completed.v1', { id: 't9' });
      await write(database.db, [completed]);
      expect((await received.promise).id).toBe(completed.id);
    } finally {
      await bus.stop();
    }
  });
});
