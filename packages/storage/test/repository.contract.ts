/**
 * The storage contract: what the repositories do on a real PostgreSQL. Run by postgres.test.ts.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskListQuery, type Task } from '@todo/domain';
import type { Principal } from '@todo/services';
import { schema } from '../src/index.js';
import { createFixture, plainTaskRow, type Fixture } from './fixtures.js';

const list = (f: Fixture, p: Principal, query: Record<string, unknown> = {}) =>
  f.services.tasks.list(p, TaskListQuery.parse(query));

export function runRepositoryContract(): void {
  describe('storage contract', () => {
    let f: Fixture;
    let alice: Principal;
    let bob: Principal;

    beforeAll(async () => {
      f = await createFixture();
      alice = await f.signUp('alice@example.test');
      bob = await f.signUp('bob@example.test');
    });
    afterAll(() => f?.close());

    it('hands out per-user task numbers from 1, independently per user', async () => {
      const a1 = await f.addTask(alice, { title: 'a one' });
      const a2 = await f.addTask(alice, { title: 'a two' });
      const b1 = await f.addTask(bob, { title: 'b one' });
      expect([a1.number, a2.number, b1.number]).toEqual([1, 2, 1]);
    });

    it('allocates distinct numbers under concurrent creates, and the created event carries each one', async () => {
      const carol = await f.signUp();
      // Half need the owner's zone first (an all-day due), half get their number from the write itself.
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          f.addTask(carol, { title: `c${i}`, ...(i % 2 ? { due: { date: '2026-12-01' } } : {}) }),
        ),
      );
      expect(created.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const events = await f.store.db
        .select({ event: schema.outbox.event })
        .from(schema.outbox)
        .where(eq(schema.outbox.type, 'todo.task.created.v1'));
      const numberInEvent = new Map(
        events.map(({ event }) => [
          (event as { subject: string }).subject,
          (event as { data: { task: { number: number } } }).data.task.number,
        ]),
      );
      for (const task of created) expect(numberInEvent.get(task.id)).toBe(task.number);
      for (const task of created) expect((await f.services.tasks.get(carol, task.id)).number).toBe(task.number);
    });

    it('finds emails case-insensitively and refuses duplicates', async () => {
      expect((await f.store.repos.users.findByEmail('ALICE@example.test'))?.id).toBe(alice.userId);
      await expect(f.signUp('Alice@Example.test')).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    });

    it('lists every field exactly as a single read builds it (the SQL and the Node wire-shape builders agree)', async () => {
      const dave = await f.signUp(undefined, 'America/New_York');
      const project = await f.services.projects.create({ principal: dave }, { name: 'Work', color: '#336699', parentId: null });
      const parent = await f.addTask(dave, { title: 'parent', priority: 'urgent', description: '**bold** "quoted" \\ ünï' });
      const created = [
        parent,
        await f.addTask(dave, {
          title: 'all-day',
          due: { date: '2026-03-08' },
          tags: ['Zeta', 'alpha'],
          projectId: project.id,
        }),
        await f.addTask(dave, {
          title: 'zoned',
          due: { dateTime: '2026-11-01T01:30:00', timeZone: 'Europe/Berlin' },
          priority: 'low',
        }),
        await f.addTask(dave, {
          title: 'floating, recurring, reminded',
          due: { dateTime: '2026-12-01T09:00:00', timeZone: null },
          recurrence: { rule: 'every 2 weeks on mon and fri', repeatFrom: 'completion' },
          reminders: [
            { type: 'relative', minutesBefore: 30 },
            { type: 'absolute', at: '2026-11-30T08:15:00.123Z' },
          ],
          parentId: parent.id,
        }),
      ];
      const snoozed = created[3]!;
      await f.services.tasks.snoozeReminder(
        { principal: dave },
        snoozed.id,
        snoozed.reminders[0]!.id,
        new Date('2026-12-01T13:45:00.500Z'),
      );
      await f.services.tasks.complete({ principal: dave }, String(created[2]!.number));

      const listed = (await list(f, dave, { status: 'all', sort: 'number' })).items;
      const single = await Promise.all(created.map((t) => f.store.repos.tasks.findById(dave.userId, t.id)));
      // A list row also carries its subtask progress and its parent's title (list-only fields).
      const listOnly = (t: Task) => ({
        subtasks: t.id === parent.id ? { done: 0, total: 1 } : null,
        parentTitle: t.parentId ? 'parent' : null,
      });
      expect(listed).toStrictEqual(single.map((t) => ({ ...t!, ...listOnly(t!) })));
      expect(listed[3]?.recurrence?.text).toMatch(/2 weeks/);
      expect(listed[3]?.reminders[0]?.snoozedUntil).toBe('2026-12-01T13:45:00.500Z');
      expect(
        JSON.parse(await f.services.tasks.listBody(dave, TaskListQuery.parse({ status: 'all', sort: 'number' }))),
      ).toStrictEqual({
        items: single.map((t) => ({ ...t!, ...listOnly(t!) })),
        nextCursor: null,
      });
    });

    it('keeps tag names unique per user, case-insensitively, and reuses them', async () => {
      const t1 = await f.addTask(alice, { title: 'tagged', tags: ['Home', 'home', 'errands'] });
      expect(t1.tags).toEqual(['errands', 'Home']);
      const t2 = await f.addTask(alice, { title: 'tagged 2', tags: ['HOME'] });
      expect(t2.tags).toEqual(['Home']);
      const bobs = await f.addTask(bob, { title: 'bob tagged', tags: ['home'] });
      expect(bobs.tags).toEqual(['home']);
      expect((await f.services.tags.list(alice)).map((t) => t.name)).toEqual(['errands', 'Home']);
    });

    it('stores tag names with quotes, backslashes and non-ASCII letters as given', async () => {
      const names = ['say "hi"', 'back\\slash', 'Ünïcode', "it's"];
      const t = await f.addTask(alice, { title: 'odd tags', tags: names });
      expect([...t.tags].sort()).toEqual([...names].sort());
      expect((await f.services.tasks.get(alice, t.id)).tags).toEqual(t.tags);
    });

    it('creates a new tag once when concurrent creates name it together', async () => {
      const gina = await f.signUp();
      const created = await Promise.all(
        Array.from({ length: 8 }, (_, i) => f.addTask(gina, { title: `c${i}`, tags: ['Fresh'] })),
      );
      expect(created.every((t) => t.tags.length === 1 && t.tags[0] === 'Fresh')).toBe(true);
      expect((await f.services.tags.list(gina)).map((t) => t.name)).toEqual(['Fresh']);
    });

    it('round-trips every task field', async () => {
      const task = await f.addTask(alice, {
        title: 'Pay rent',
        description: '**monthly**',
        priority: 'high',
        due: { dateTime: '2026-12-01T09:00', timeZone: 'America/New_York' },
        recurrence: { rule: 'monthly on the 1st' },
        reminders: [
          { type: 'relative', minutesBefore: 60 },
          { type: 'absolute', at: '2026-11-30T18:00:00+01:00' },
        ],
      });
      const again = await f.services.tasks.get(alice, String(task.number));
      expect(again).toEqual(task);
      expect(task.due).toEqual({ dateTime: '2026-12-01T09:00:00', timeZone: 'America/New_York' });
      expect(task.dueAt).toBe('2026-12-01T14:00:00.000Z');
      expect(task.recurrence?.rule).toBe('FREQ=MONTHLY;BYMONTHDAY=1');
      expect(task.reminders.map((r) => r.type)).toEqual(['relative', 'absolute']);
      expect(task.reminders[1]).toMatchObject({ at: '2026-11-30T17:00:00.000Z' });
      expect(task.seriesId).toBe(task.id);
      expect(task.occurrenceIndex).toBe(0);
    });

    it('refuses a second row for the same series occurrence', async () => {
      const [row] = await f.store.repos.tasks
        .findRow(
          alice.userId,
          (await f.addTask(alice, { title: 'x', due: { date: '2026-12-01' }, recurrence: { rule: 'daily' } })).id,
        )
        .then((r) => [r]);
      await expect(
        f.store.repos.tasks.write([
          {
            op: 'insert',
            row: { ...row!, id: crypto.randomUUID(), number: null, projectNumber: null },
            tags: [],
            reminders: [],
            events: [],
          },
        ]),
      ).rejects.toSatisfy(
        (e: unknown) => JSON.stringify(e).includes('23505') || String((e as Error).cause).includes('duplicate'),
      );
    });

    it('searches title and description with ranking', async () => {
      const dave = await f.signUp();
      await f.addTask(dave, { title: 'Buy milk', description: 'and bread' });
      await f.addTask(dave, { title: 'Call plumber', description: 'about the milk tap' });
      await f.addTask(dave, { title: 'Walk the dog' });
      const found = await list(f, dave, { q: 'milk' });
      expect(found.items.map((t) => t.title)).toEqual(['Buy milk', 'Call plumber']);
      expect((await list(f, dave, { q: 'running dogs' })).items).toHaveLength(0);
      expect((await list(f, dave, { q: 'walking dog' })).items.map((t) => t.title)).toEqual(['Walk the dog']);
    });

    it('filters by status, priority, tags (any/all), due range, overdue and no-date', async () => {
      const erin = await f.signUp(undefined, 'UTC');
      f.clock.set('2026-11-27T12:00:00Z');
      await f.addTask(erin, { title: 'past timed', due: { dateTime: '2026-11-27T11:00', timeZone: 'UTC' }, tags: ['a'] });
      await f.addTask(erin, { title: 'today all-day', due: { date: '2026-11-27' }, priority: 'urgent', tags: ['a', 'b'] });
      await f.addTask(erin, { title: 'yesterday all-day', due: { date: '2026-11-26' }, tags: ['b'] });
      await f.addTask(erin, { title: 'future', due: { date: '2026-12-05' }, priority: 'low' });
      const undated = await f.addTask(erin, { title: 'undated' });
      await f.services.tasks.complete({ principal: erin }, undated.id);
      const titles = async (q: Record<string, unknown>) => (await list(f, erin, q)).items.map((t) => t.title).sort();

      expect(await titles({ overdue: 'true' })).toEqual(['past timed', 'yesterday all-day']);
      expect(await titles({ priority: 'urgent,low' })).toEqual(['future', 'today all-day']);
      expect(await titles({ tags: 'a,b', tagMode: 'any' })).toEqual(['past timed', 'today all-day', 'yesterday all-day']);
      expect(await titles({ tags: 'A,b', tagMode: 'all' })).toEqual(['today all-day']);
      expect(await titles({ dueAfter: '2026-11-27', dueBefore: '2026-12-01' })).toEqual(['past timed', 'today all-day']);
      expect(await titles({ status: 'completed' })).toEqual(['undated']);
      expect(await titles({ status: 'all', noDate: 'true' })).toEqual(['undated']);
    });

    it('sorts each key in its natural direction, reversible, with stable cursor pages', async () => {
      const finn = await f.signUp(undefined, 'UTC');
      const priorities = ['low', 'urgent', 'none', 'high', 'medium'] as const;
      for (let i = 0; i < 15; i++) {
        f.clock.advance(1000);
        await f.addTask(finn, {
          title: `T${String(i).padStart(2, '0')}`,
          priority: priorities[i % 5]!,
          ...(i % 3 ? { due: { date: `2026-12-${String(20 - i).padStart(2, '0')}` } } : {}),
        });
      }
      for (const sort of ['due', '-due', 'priority', '-priority', 'created', '-created', 'title', '-title', 'number']) {
        const all = (await list(f, finn, { sort, limit: 100 })).items.map((t) => t.id);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list(f, finn, { sort, limit: 4, ...(cursor ? { cursor } : {}) });
          paged.push(...page.items.map((t) => t.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(paged, sort).toEqual(all);
      }
      const byDue = (await list(f, finn, { sort: 'due', limit: 100 })).items;
      expect(byDue.at(-1)?.due).toBeNull();
      const dated = byDue.filter((t) => t.dueAt).map((t) => t.dueAt!);
      expect(dated).toEqual([...dated].sort());
      const byPriority = (await list(f, finn, { sort: 'priority', limit: 3 })).items.map((t) => t.priority);
      expect(byPriority).toEqual(['urgent', 'urgent', 'urgent']);
      expect((await list(f, finn, { sort: 'title', limit: 1 })).items[0]?.title).toBe('T00');
    });

    it('rejects a cursor from another sort', async () => {
      const page = await list(f, alice, { sort: 'title', limit: 1 });
      await expect(list(f, alice, { sort: 'due', cursor: page.nextCursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    });

    it('writes the change and its event in one transaction (outbox)', async () => {
      const before = await f.database.db.select().from(schema.outbox);
      const task = await f.addTask(alice, { title: 'evented' });
      await f.services.tasks.complete({ principal: alice }, task.id);
      await f.services.tasks.complete({ principal: alice }, task.id);
      const after = await f.database.db.select().from(schema.outbox);
      const mine = after.filter((r) => !before.some((b) => b.id === r.id));
      expect(mine.map((r) => r.type)).toEqual(['todo.task.created.v1', 'todo.task.completed.v1']);
      expect(mine[0]).toMatchObject({ topic: 'task-events', partitionKey: task.id });
      expect((mine[0]!.event as { id: string }).id).toBe(mine[0]!.id);
    });

    it('rolls back the change when the write fails half-way', async () => {
      const before = (await list(f, alice, { status: 'all', limit: 200 })).items.length;
      await expect(f.addTask(alice, { title: 'bad parent', parentId: crypto.randomUUID() })).rejects.toMatchObject({
        code: 'TASK_NOT_FOUND',
      });
      // The task and its tag could be written, its second reminder cannot (the same id twice): none of it is.
      const projectId = (await f.store.repos.projects.inboxOf(alice.userId))!;
      const row = plainTaskRow({
        id: crypto.randomUUID(),
        userId: alice.userId,
        projectId,
        title: 'half',
        createdAt: new Date(),
      });
      const reminder = { id: crypto.randomUUID(), kind: 'relative' as const, minutesBefore: 5, at: null };
      const tags = [{ id: crypto.randomUUID(), name: 'half-tag' }];
      await expect(
        f.store.repos.tasks.write([
          { op: 'insert', row: { ...row, number: null, projectNumber: null }, tags, reminders: [reminder, reminder], events: [] },
        ]),
      ).rejects.toSatisfy(
        (e: unknown) => JSON.stringify(e).includes('23505') || String((e as Error).cause).includes('duplicate'),
      );
      expect((await f.services.tags.list(alice)).map((t) => t.name)).not.toContain('half-tag');
      expect((await list(f, alice, { status: 'all', limit: 200 })).items.length).toBe(before);
    });
  });
}
