/**
 * Live updates across api replicas: the replica the bus hands an event to is not the one every
 * browser is connected to. Two replicas here are two fan-outs with their own SSE hub and their
 * own connections to one real PostgreSQL database; browsers are real HTTP streams.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseHub } from '@todo/api';
import { systemClock, type CloudEvent } from '@todo/domain';
import { EventLogService, MemberService, uuidV7Ids } from '@todo/services';
import { createDatabase, schema, Store, type Database } from '@todo/storage';
import { TestClock, createPostgresDatabase } from '@todo/testing';
import { DbEventBus } from '@todo/transport';
import { LIVE_CHANNEL, LIVE_TYPES, LiveFanout } from '../src/live-fanout.js';

interface Replica {
  database: Database;
  hub: SseHub;
  fanout: LiveFanout;
  server: Server;
  url: string;
}

async function startReplica(url: string): Promise<Replica> {
  const database = await createDatabase({ url, poolSize: 2 });
  const hub = new SseHub();
  const fanout = new LiveFanout({
    database,
    events: new EventLogService({ store: new Store(database.db), clock: systemClock }),
    members: new MemberService({ store: new Store(database.db), clock: systemClock, ids: uuidV7Ids, eventSource: 'test' }),
    hub,
    logger: pino({ level: 'silent' }),
  });
  await fanout.start();
  // A browser tab of user `?user=`: the stream the api role serves, without its sign-in.
  const server = createServer((req, res) => hub.open(new URL(req.url!, 'http://x').searchParams.get('user')!, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { database, hub, fanout, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function openStream(replica: Replica, userId: string) {
  const controller = new AbortController();
  const res = await fetch(`${replica.url}/?user=${userId}`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next frame's event id and data. */
    async next(): Promise<{ id: string; data: any }> {
      for (;;) {
        const frame = /id: (\S+)\nevent: \S+\ndata: (.*)\n\n/.exec(buffer);
        if (frame) {
          buffer = buffer.slice(frame.index + frame[0].length);
          return { id: frame[1]!, data: JSON.parse(frame[2]!) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    },
    close: () => controller.abort(),
  };
}

const taskEvent = (userId: string, description = ''): CloudEvent =>
  ({
    specversion: '1.0',
    id: randomUUID(),
    type: 'todo.task.updated.v1',
    source: 'test',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { userId, task: { id: randomUUID(), title: 'live across replicas', description } },
  }) as unknown as CloudEvent;

describe('live updates across api replicas (PostgreSQL NOTIFY)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    db = await createPostgresDatabase('todo_live');
    const migrating = await createDatabase({ url: db.url });
    await migrating.migrate();
    await migrating.close();
    [a, b] = [await startReplica(db.url), await startReplica(db.url)];
  });
  afterAll(async () => {
    for (const r of [a, b]) {
      if (!r) continue;
      r.hub.close();
      await r.fanout.stop();
      r.server.close();
      await r.database.close();
    }
    await db?.drop();
  });

  it("reaches the user's streams on every replica, whichever replica the bus gave the event to", async () => {
    const userId = randomUUID();
    const [onA, onB] = [await openStream(a, userId), await openStream(b, userId)];
    try {
      a.fanout.deliver(taskEvent(randomUUID())); // someone else's: none of these streams shows it
      const event = taskEvent(userId);
      a.fanout.deliver(event);
      for (const stream of [onA, onB]) expect(await stream.next()).toEqual({ id: event.id, data: event.data });
    } finally {
      onA.close();
      onB.close();
    }
  });

  it("reaches every member of the event's project on every replica, looked up at delivery: a removed member no longer", async () => {
    const [owner, member, stranger] = [randomUUID(), randomUUID(), randomUUID()];
    const projectId = randomUUID();
    const sub = randomUUID();
    const { db: sqlDb } = a.database;
    for (const id of [owner, member, stranger]) {
      await sqlDb.insert(schema.users).values({ id, email: `${id}@example.test`, passwordHash: 'x' });
    }
    await sqlDb.insert(schema.projects).values({ id: projectId, ownerId: owner, name: 'Shared', rootId: projectId });
    await sqlDb.insert(schema.projects).values({ id: sub, ownerId: owner, name: 'Sub', parentId: projectId, rootId: projectId });
    await sqlDb.insert(schema.projectMembers).values([
      { projectId, userId: owner, role: 'owner' },
      { projectId, userId: member, role: 'editor' },
    ]);
    const inProject = (description: string): CloudEvent => {
      const event = taskEvent(owner, description);
      (event.data as unknown as { task: { projectId: string } }).task.projectId = sub;
      return event;
    };
    const streams = [await openStream(a, owner), await openStream(b, member), await openStream(b, stranger)];
    const [onOwner, onMember, onStranger] = streams;
    try {
      const first = inProject('seen by both');
      a.fanout.deliver(first);
      expect((await onOwner!.next()).id).toBe(first.id);
      expect((await onMember!.next()).id).toBe(first.id);
      await sqlDb.delete(schema.projectMembers).where(eq(schema.projectMembers.userId, member));
      const second = inProject('owner only');
      a.fanout.deliver(second);
      // The stranger's own event comes after: had the member been sent `second`, it would be first.
      const mark = taskEvent(member, 'their own');
      a.fanout.deliver(mark);
      expect((await onOwner!.next()).id).toBe(second.id);
      expect((await onMember!.next()).id).toBe(mark.id);
      const own = taskEvent(stranger);
      a.fanout.deliver(own);
      expect((await onStranger!.next()).id).toBe(own.id);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('broadcasts a burst in order, as few notifications as fit, a large event among them', async () => {
    const userId = randomUUID();
    const onB = await openStream(b, userId);
    try {
      const burst = Array.from({ length: 60 }, (_, i) => taskEvent(userId, i === 30 ? 'y'.repeat(9_000) : `item ${i}`));
      const large = burst[30]!;
      await a.database.db.insert(schema.outbox).values({ id: large.id, topic: 'task-events', type: large.type, event: large });
      for (const event of burst) a.fanout.deliver(event);
      await a.fanout.settled();
      const received = [];
      for (let i = 0; i < burst.length; i++) received.push((await onB.next()).id);
      expect(received).toEqual(burst.map((e) => e.id));
    } finally {
      onB.close();
    }
  });

  it('sends an event too large for a notification as its id, read back from the outbox where its user watches', async () => {
    const userId = randomUUID();
    const event = taskEvent(userId, 'x'.repeat(20_000));
    await a.database.db.insert(schema.outbox).values({ id: event.id, topic: 'task-events', type: event.type, event });
    const onB = await openStream(b, userId);
    try {
      a.fanout.deliver(event);
      const frame = await onB.next();
      expect(frame.id).toBe(event.id);
      expect(frame.data.task.description).toHaveLength(20_000);
    } finally {
      onB.close();
    }
  });

  it('hears what the embedded bus announces as it sweeps the outbox: listed types, in order, a large one by its id', async () => {
    const clock = new TestClock();
    const bus = new DbEventBus({
      db: a.database.db,
      clock,
      announce: { channel: LIVE_CHANNEL, types: LIVE_TYPES },
    });
    await bus.start(); // records what is announced for every process on the database
    await bus.stop();
    const userId = randomUUID();
    const onB = await openStream(b, userId);
    try {
      const unlisted = { ...taskEvent(userId), type: 'todo.reminder.due.v1' } as unknown as CloudEvent;
      const events = [taskEvent(userId, 'first'), unlisted, taskEvent(userId, 'z'.repeat(9_000)), taskEvent(userId, 'last')];
      await a.database.db.insert(schema.outbox).values(
        events.map((event, i) => ({
          id: event.id,
          topic: 'task-events',
          type: event.type,
          event,
          createdAt: new Date(clock.now().getTime() - 1_000 + i),
          availableAt: clock.now(),
        })),
      );
      await bus.drain();
      const received = [];
      for (let i = 0; i < 3; i++) received.push(await onB.next());
      expect(received.map((f) => f.id)).toEqual([events[0]!.id, events[2]!.id, events[3]!.id]);
      expect(received[1]!.data.task.description).toHaveLength(9_000);
    } finally {
      onB.close();
    }
  });

  it('listens again after its connection is lost', async () => {
    const userId = randomUUID();
    const onB = await openStream(b, userId);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const listeners = async () =>
      (
        await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
        )
      ).rows;
    try {
      const before = await listeners();
      expect(before).toHaveLength(2);
      await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [before.map((l) => l.pid)]);
      // New sessions, not the old ones: a terminated backend stays in pg_stat_activity for a moment.
      const gone = new Set(before.map((l) => l.pid));
      const relistened = async () => (await listeners()).filter((l) => !gone.has(l.pid)).length;
      for (let i = 0; (await relistened()) < 2; i++) {
        if (i > 200) throw new Error('the replicas did not listen again within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const event = taskEvent(userId);
      a.fanout.deliver(event);
      expect((await onB.next()).id).toBe(event.id);
    } finally {
      onB.close();
      await admin.end();
    }
  });
});
