/**
 * Creates arriving together are written as one statement (task-insert.batcher.ts). Run on a
 * real PostgreSQL by postgres.test.ts, over the pool and over the pipelined connection.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingEvent } from '@todo/domain';
import { schema, taskFromRow, toCloudEvents, type NewTaskWrite } from '../src/index.js';
import { createFixture, plainTaskRow, type Fixture } from './fixtures.js';

function write(userId: string, title: string, extra: { tags?: string[]; categoryId?: string } = {}): NewTaskWrite {
  const id = randomUUID();
  const now = new Date('2026-11-27T09:00:00Z');
  const row = plainTaskRow({ id, userId, title, createdAt: now, categoryId: extra.categoryId ?? null });
  // The number and the tags as stored are filled into the event by the write.
  const task = taskFromRow(row, [], []);
  return {
    row: { ...row, number: null },
    tags: (extra.tags ?? []).map((name) => ({ id: randomUUID(), name })),
    reminders: [{ id: randomUUID(), kind: 'relative', minutesBefore: 10, at: null }],
    events: toCloudEvents([pendingEvent('todo.task.created.v1', id, { userId, task })], {
      newId: randomUUID,
      now,
      source: 'todo-app/test',
    }),
  };
}

export function runTaskInsertsContract(options: { pipelined?: boolean } = {}): void {
  describe(`batched creates${options.pipelined ? ', pipelined' : ''}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await createFixture(options);
    });
    afterAll(() => f?.close());

    it('writes creates arriving together in one statement: numbers per owner, one row per new tag, events per task', async () => {
      const [ann, ben] = [await f.signUp(), await f.signUp()];
      const batchesBefore = f.taskInsertBatches.length;
      const writes = Array.from({ length: 20 }, (_, i) =>
        write(i % 2 ? ben.userId : ann.userId, `t${i}`, { tags: i % 3 ? ['Shared', `own${i}`] : [] }),
      );
      const stored = await Promise.all(writes.map((w) => f.store.repos.tasks.insertWithEvents(w)));

      const batches = f.taskInsertBatches.slice(batchesBefore);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
      expect(Math.max(...batches)).toBeGreaterThan(1); // else this test proves nothing about batches
      for (const owner of [ann, ben]) {
        const numbers = stored.filter((_, i) => writes[i]!.row.userId === owner.userId).map((s) => s.number);
        expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        const tags = await f.services.tags.list(owner);
        expect(tags.filter((t) => t.name === 'Shared')).toHaveLength(1);
      }
      stored.forEach((s, i) => expect(s.tags).toEqual(i % 3 ? [`own${i}`, 'Shared'] : [])); // sorted as reads sort: case-insensitively

      const ids = writes.map((w) => w.row.id);
      const rows = await f.store.db.select().from(schema.tasks).where(inArray(schema.tasks.id, ids));
      const reminders = await f.store.db.select().from(schema.reminders).where(inArray(schema.reminders.taskId, ids));
      const events = await f.store.db.select().from(schema.outbox).where(inArray(schema.outbox.partitionKey, ids));
      expect([rows.length, reminders.length, events.length]).toEqual([20, 20, 20]);
      for (const [i, w] of writes.entries()) {
        const event = events.find((e) => e.partitionKey === w.row.id)!.event as {
          data: { task: { number: number; tags: string[] } };
        };
        expect(event.data.task).toMatchObject({ number: stored[i]!.number, tags: stored[i]!.tags });
        expect(rows.find((r) => r.id === w.row.id)!.number).toBe(stored[i]!.number);
      }
    });

    it('fails only the create that cannot be written, not those batched with it, and writes none of it', async () => {
      const cleo = await f.signUp();
      const batchesBefore = f.taskInsertBatches.length;
      const writes = Array.from({ length: 9 }, (_, i) =>
        write(cleo.userId, `w${i}`, i === 4 ? { tags: ['only-the-bad-one'], categoryId: randomUUID() } : { tags: ['fine'] }),
      );
      const outcomes = await Promise.allSettled(writes.map((w) => f.store.repos.tasks.insertWithEvents(w)));

      expect(Math.max(...f.taskInsertBatches.slice(batchesBefore))).toBeGreaterThan(1);
      expect(outcomes.map((o) => o.status)).toEqual(writes.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
      const reason = (outcomes[4] as PromiseRejectedResult).reason as { cause?: { code?: string }; code?: string };
      expect(reason.cause?.code ?? reason.code).toBe('23503'); // the category's foreign key
      const numbers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.number] : []));
      expect(new Set(numbers).size).toBe(8);
      const bad = writes[4]!.row.id;
      expect(await f.store.db.select().from(schema.tasks).where(eq(schema.tasks.id, bad))).toEqual([]);
      expect(await f.store.db.select().from(schema.outbox).where(eq(schema.outbox.partitionKey, bad))).toEqual([]);
      expect((await f.services.tags.list(cleo)).map((t) => t.name)).toEqual(['fine']);
    });
  });
}
