/**
 * The one task write path (task-write.statement.ts): writes arriving together are one
 * statement (task-write.batcher.ts), changes are guarded by the `updated_at` read, and a next
 * occurrence with its checklist is written whole or not at all. Run on a real PostgreSQL by
 * postgres.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskListQuery, pendingEvent } from '@todo/domain';
import { toCloudEvents } from '@todo/domain';
import { schema, taskFromRow, type TaskWrite } from '../src/index.js';
import { createFixture, plainTaskRow, type Fixture } from './fixtures.js';

function write(
  userId: string,
  title: string,
  projectId: string,
  extra: { tags?: string[]; projectId?: string } = {},
): TaskWrite & { op: 'insert' } {
  const id = randomUUID();
  const now = new Date('2026-11-27T09:00:00Z');
  const row = plainTaskRow({ id, userId, title, createdAt: now, projectId: extra.projectId ?? projectId });
  // The number and the tags as stored are filled into the event by the write.
  const task = taskFromRow(row, [], []);
  return {
    op: 'insert',
    // A project that does not exist gets no number from it: the foreign key is what refuses it.
    row: { ...row, number: null, projectNumber: extra.projectId ? 1 : null },
    tags: (extra.tags ?? []).map((name) => ({ id: randomUUID(), name })),
    reminders: [{ id: randomUUID(), kind: 'relative', minutesBefore: 10, at: null }],
    events: toCloudEvents([pendingEvent('todo.task.created.v1', id, { userId, task })], {
      newId: randomUUID,
      now,
      source: 'todo-app/test',
    }),
  };
}

const writeOne = (f: Fixture, w: TaskWrite) => f.store.repos.tasks.write([w]).then(([stored]) => stored!);

export function runTaskWritesContract(): void {
  describe('task writes', () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await createFixture();
    });
    afterAll(() => f?.close());

    it('writes creates arriving together in one statement: numbers per owner, one row per new tag, events per task', async () => {
      const [ann, ben] = [await f.signUp(), await f.signUp()];
      const inbox = [(await f.store.repos.projects.inboxOf(ann.userId))!, (await f.store.repos.projects.inboxOf(ben.userId))!];
      const batchesBefore = f.taskWriteBatches.length;
      const writes = Array.from({ length: 20 }, (_, i) =>
        write(i % 2 ? ben.userId : ann.userId, `t${i}`, inbox[i % 2]!, { tags: i % 3 ? ['Shared', `own${i}`] : [] }),
      );
      const stored = await Promise.all(writes.map((w) => writeOne(f, w)));

      const batches = f.taskWriteBatches.slice(batchesBefore);
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
      const cleoInbox = (await f.store.repos.projects.inboxOf(cleo.userId))!;
      const batchesBefore = f.taskWriteBatches.length;
      const writes = Array.from({ length: 9 }, (_, i) =>
        write(
          cleo.userId,
          `w${i}`,
          cleoInbox,
          i === 4 ? { tags: ['only-the-bad-one'], projectId: randomUUID() } : { tags: ['fine'] },
        ),
      );
      const outcomes = await Promise.allSettled(writes.map((w) => writeOne(f, w)));

      expect(Math.max(...f.taskWriteBatches.slice(batchesBefore))).toBeGreaterThan(1);
      expect(outcomes.map((o) => o.status)).toEqual(writes.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
      const reason = (outcomes[4] as PromiseRejectedResult).reason as { cause?: { code?: string }; code?: string };
      expect(reason.cause?.code ?? reason.code).toBe('23503'); // the project's foreign key
      const numbers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.number] : []));
      expect(new Set(numbers).size).toBe(8);
      const bad = writes[4]!.row.id;
      expect(await f.store.db.select().from(schema.tasks).where(eq(schema.tasks.id, bad))).toEqual([]);
      expect(await f.store.db.select().from(schema.outbox).where(eq(schema.outbox.partitionKey, bad))).toEqual([]);
      expect((await f.services.tags.list(cleo)).map((t) => t.name)).toEqual(['fine']);
    });

    it('skips a change to a task that changed since it was read, with its tags, reminders and events', async () => {
      const dana = await f.signUp();
      const task = await f.addTask(dana, {
        title: 'stale',
        tags: ['kept'],
        reminders: [{ type: 'relative', minutesBefore: 5 }],
        due: { date: '2026-12-01' },
      });
      const [found] = await f.store.db.select().from(schema.tasks).where(eq(schema.tasks.id, task.id));
      const { search: _search, ...row } = found!;
      const stale = new Date(row.updatedAt.getTime() - 1);
      const changed = { ...row, title: 'changed', updatedAt: new Date('2026-11-28T09:00:00Z') };
      const event = toCloudEvents(
        [
          pendingEvent('todo.task.updated.v1', task.id, {
            userId: dana.userId,
            task: { ...task, title: 'changed' },
            changed: ['title'],
          }),
        ],
        {
          newId: randomUUID,
          now: changed.updatedAt,
          source: 'todo-app/test',
        },
      );
      const update = (readUpdatedAt: Date): TaskWrite => ({
        op: 'update',
        row: changed,
        readUpdatedAt,
        tags: [{ id: randomUUID(), name: 'other' }],
        reminders: [],
        events: event,
      });
      expect(await f.store.repos.tasks.write([update(stale)])).toEqual([null]);
      expect(await f.services.tasks.get(dana, task.id)).toMatchObject({
        title: 'stale',
        tags: ['kept'],
        reminders: [{ minutesBefore: 5 }],
      });
      expect((await f.services.tags.list(dana)).map((t) => t.name)).toEqual(['kept']);
      expect(await f.store.db.select().from(schema.outbox).where(eq(schema.outbox.id, event[0]!.event.id))).toEqual([]);

      // Two writers that read the same version, in one statement: exactly one of them changes the task.
      const both = await f.store.repos.tasks.write([update(row.updatedAt), { ...update(row.updatedAt), events: [] }]);
      expect(both.filter(Boolean)).toMatchObject([{ number: task.number, tags: ['other'] }]);
      expect(await f.services.tasks.get(dana, task.id)).toMatchObject({ title: 'changed', tags: ['other'], reminders: [] });
    });

    it('replaces tags and reminders by what changes: a kept reminder keeps its id and snooze', async () => {
      const erin = await f.signUp();
      const ctx = { principal: erin };
      const task = await f.addTask(erin, {
        title: 'edit me',
        due: { date: '2026-12-01' },
        tags: ['a', 'B'],
        reminders: [
          { type: 'relative', minutesBefore: 10 },
          { type: 'relative', minutesBefore: 60 },
        ],
      });
      const [ten, hour] = task.reminders;
      await f.services.tasks.snoozeReminder(ctx, task.id, ten!.id, new Date('2026-12-01T08:00:00Z'));
      const updated = await f.services.tasks.update(ctx, task.id, {
        tags: ['b', 'c'],
        reminders: [
          { type: 'relative', minutesBefore: 10 },
          { type: 'relative', minutesBefore: 30 },
        ],
      });
      expect(updated.tags).toEqual(['B', 'c']); // the existing tag keeps its spelling
      expect(await f.services.tasks.get(erin, task.id)).toEqual(updated);
      expect(updated.reminders[0]).toMatchObject({ id: ten!.id, snoozedUntil: '2026-12-01T08:00:00.000Z' });
      expect(updated.reminders.map((r) => r.id)).not.toContain(hour!.id);
    });

    it('writes a next occurrence with its checklist in one statement, and none of it for a duplicate delivery', async () => {
      const finn = await f.signUp();
      const ctx = { principal: finn };
      const first = await f.addTask(finn, {
        title: 'weekly review',
        due: { date: '2026-11-27' },
        recurrence: { rule: 'weekly' },
        tags: ['work'],
      });
      for (const title of ['inbox zero', 'plan week']) {
        const step = await f.addTask(finn, { title, parentId: first.id });
        await f.services.tasks.complete(ctx, step.id);
      }
      const completed = await f.services.tasks.complete(ctx, first.id);
      const batchesBefore = f.taskWriteBatches.length;
      const created = await f.services.recurrence.createNext(finn.userId, completed);
      expect(f.taskWriteBatches.slice(batchesBefore)).toEqual([3]);
      expect(created).toMatchObject({ outcome: 'created', task: { number: 4, tags: ['work'], occurrenceIndex: 1 } });
      const next = (created as { task: { id: string } }).task;
      const subtasks = (await f.services.tasks.list(finn, TaskListQuery.parse({ parentId: next.id, sort: 'number' }))).items;
      expect(subtasks.map((t) => [t.number, t.title, t.status])).toEqual([
        [5, 'inbox zero', 'open'],
        [6, 'plan week', 'open'],
      ]);

      expect(await f.services.recurrence.createNext(finn.userId, completed)).toEqual({ outcome: 'already-created' });
      const all = (await f.services.tasks.list(finn, TaskListQuery.parse({ status: 'all', limit: 50 }))).items;
      expect(all).toHaveLength(6);
      // The duplicate moved no counter either: the next create gets the next number.
      expect((await f.addTask(finn, { title: 'after' })).number).toBe(7);
    });

    it('writes no next occurrence, and no number, for an occurrence no longer completed', async () => {
      const gail = await f.signUp();
      const ctx = { principal: gail };
      const first = await f.addTask(gail, { title: 'stretch', due: { date: '2026-11-27' }, recurrence: { rule: 'daily' } });
      await f.addTask(gail, { title: 'neck', parentId: first.id });
      const completed = await f.services.tasks.complete(ctx, first.id);
      const seqOf = async () =>
        (await f.store.db.select().from(schema.users).where(eq(schema.users.id, gail.userId)))[0]!.taskSeq;
      // Read while completed, written after the reopen: the role's write finds it open.
      const stale = await f.store.repos.tasks.findSeriesRow(gail.userId, first.id);
      await f.services.tasks.reopen(ctx, first.id);
      const seq = await seqOf();
      const repos = f.store.repos.tasks;
      const original = repos.findSeriesRow.bind(repos);
      repos.findSeriesRow = async () => stale;
      try {
        expect(await f.services.recurrence.createNext(gail.userId, completed)).toEqual({ outcome: 'reopened' });
      } finally {
        repos.findSeriesRow = original;
      }
      expect(await seqOf()).toBe(seq);
      const all = (await f.services.tasks.list(gail, TaskListQuery.parse({ status: 'all', limit: 50 }))).items;
      expect(all.map((t) => t.title).sort()).toEqual(['neck', 'stretch']);
    });

    it('skips a write made only with an update when that update is skipped, and writes it when it is written', async () => {
      const hana = await f.signUp();
      const a = await f.addTask(hana, { title: 'a' });
      const b = await f.addTask(hana, { title: 'b' });
      const rowOf = async (id: string) => (await f.store.repos.tasks.findForChange(hana.userId, { id }))!.row;
      const [rowA, rowB] = [await rowOf(a.id), await rowOf(b.id)];
      const at = new Date(rowA.updatedAt.getTime() + 1000);
      const pair = (readUpdatedAt: Date): TaskWrite[] => [
        { op: 'update', row: { ...rowA, title: 'a2', updatedAt: at }, readUpdatedAt, events: [] },
        { op: 'delete', userId: hana.userId, id: b.id, readUpdatedAt: rowB.updatedAt, at, events: [], onlyWith: 1 },
      ];
      expect(await f.store.repos.tasks.write(pair(new Date(rowA.updatedAt.getTime() - 1)))).toEqual([null, null]);
      expect(await f.store.repos.tasks.findById(hana.userId, b.id)).not.toBeNull();
      expect((await f.store.repos.tasks.write(pair(rowA.updatedAt))).map((w) => w !== null)).toEqual([true, true]);
      expect(await f.store.repos.tasks.findById(hana.userId, b.id)).toBeNull();
    });

    it('keeps a deleted task with its subtasks, tags and reminders in the trash, and a restore writes them back once', async () => {
      const ivan = await f.signUp();
      const ctx = { principal: ivan };
      const parent = await f.addTask(ivan, {
        title: 'trip',
        due: { date: '2026-12-01' },
        tags: ['Travel'],
        reminders: [{ type: 'relative', minutesBefore: 30 }],
      });
      const sub = await f.addTask(ivan, { title: 'pack', parentId: parent.id, tags: ['home'] });
      const subsub = await f.addTask(ivan, { title: 'socks', parentId: sub.id });
      await f.services.tasks.delete(ctx, parent.id);
      expect(await f.store.repos.tasks.findById(ivan.userId, subsub.id)).toBeNull();
      const entry = await f.store.repos.trash.find(ivan.userId, { number: parent.number });
      expect(entry?.tasks.map((t) => [t.row.title, t.tags])).toEqual([
        ['trip', ['Travel']],
        ['pack', ['home']],
        ['socks', []],
      ]);

      const [one, two] = await Promise.all([
        f.services.tasks.restore(ctx, parent.id),
        f.services.tasks.restore(ctx, String(parent.number)),
      ]);
      expect(one).toEqual(two);
      const { updatedAt: _u, ...same } = parent;
      expect(one).toMatchObject(same);
      expect(await f.services.tasks.get(ivan, subsub.id)).toMatchObject({
        id: subsub.id,
        number: subsub.number,
        parentId: sub.id,
      });
      expect(await f.store.repos.trash.find(ivan.userId, { id: parent.id })).toBeNull();
      const restoredEvents = await f.store.db.select().from(schema.outbox).where(eq(schema.outbox.type, 'todo.task.restored.v1'));
      expect(restoredEvents.filter((e) => [parent.id, sub.id, subsub.id].includes((e.event as any).subject))).toHaveLength(3);
    });
  });
}
