/**
 * Task-list pages are served again (from memory, or as 304 to a client holding the ETag) while
 * their owner's data version reads the same (migration 0009). So every kind of write that can
 * change a page must change the version; this walks through each of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskListQuery } from '@todo/domain';
import { createServices, uuidV7Ids, type Principal, type Services } from '@todo/services';
import { createFixture, type Fixture } from './fixtures.js';

export function runListPagesContract(): void {
  describe('task-list pages', () => {
    let f: Fixture;
    let cached: Services;
    beforeAll(async () => {
      f = await createFixture();
      cached = createServices(
        { store: f.store, clock: f.clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
        { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
        { listCacheChars: 1_000_000 },
      );
    });
    afterAll(() => f?.close());

    const QUERY = TaskListQuery.parse({ status: 'all', sort: 'number' });
    const fresh = async (p: Principal) => f.services.tasks.listBody(p, QUERY);

    it('sends a page again only while no write has changed it, and says so to a client holding its ETag', async () => {
      const owner = await f.signUp();
      const neighbour = await f.signUp();
      const ctx = { principal: owner };
      const project = await f.services.projects.create(ctx, { name: 'Home', color: '#336699', parentId: null });
      const first = await f.addTask(owner, {
        title: 'water plants',
        tags: ['garden'],
        projectId: project.id,
        due: { date: '2026-12-01' },
        recurrence: { rule: 'weekly', repeatFrom: 'due' },
        reminders: [{ type: 'relative', minutesBefore: 30 }],
      });
      const ref = String(first.number);
      const tagId = async (name: string) => (await f.services.tags.list(owner)).find((t) => t.name === name)!.id;

      let page = await cached.tasks.listPage(owner, QUERY);
      expect(page.body).toBe(await fresh(owner));
      expect(page.etag).toMatch(/^W\/"[\w-]+"$/);
      const unchanged = await cached.tasks.listPage(owner, QUERY, (etag) => etag === page.etag);
      expect(unchanged).toStrictEqual({ body: null, etag: page.etag });

      const writes: [string, () => Promise<unknown>][] = [
        ['create (number in the same statement)', () => f.addTask(owner, { title: 'second' })],
        [
          'create (floating due: number first)',
          () => f.addTask(owner, { title: 'third', due: { dateTime: '2026-12-02T09:00:00', timeZone: null } }),
        ],
        ['update the title', () => f.services.tasks.update(ctx, ref, { title: 'water the plants' })],
        [
          'replace the reminders',
          () => f.services.tasks.update(ctx, ref, { reminders: [{ type: 'relative', minutesBefore: 60 }] }),
        ],
        [
          'snooze a reminder',
          async () => {
            const task = await f.services.tasks.get(owner, ref);
            return f.services.tasks.snoozeReminder(ctx, ref, task.reminders[0]!.id, new Date('2026-12-01T10:00:00Z'));
          },
        ],
        ['add a tag', () => f.services.tasks.addTag(ctx, ref, 'outside')],
        ['remove a tag', () => f.services.tasks.removeTag(ctx, ref, 'outside')],
        ['rename a tag', async () => f.services.tags.update(owner, await tagId('garden'), { name: 'Garden' })],
        ['delete a tag', async () => f.services.tags.delete(owner, await tagId('Garden'))],
        [
          'move to another project',
          async () => f.services.tasks.update(ctx, ref, { projectId: (await f.services.projects.list(owner))[0]!.id }),
        ],
        ['complete', () => f.services.tasks.complete(ctx, ref)],
        [
          'the next occurrence',
          async () => f.services.recurrence.createNext(owner.userId, await f.services.tasks.get(owner, ref)),
        ],
        ['reopen', () => f.services.tasks.reopen(ctx, ref)],
        ['delete', () => f.services.tasks.delete(ctx, ref)],
      ];
      for (const [name, write] of writes) {
        const before = await fresh(owner);
        await write();
        const after = await cached.tasks.listPage(owner, QUERY, (etag) => etag === page.etag);
        expect(after.body, name).not.toBeNull();
        expect(after.body, name).toBe(await fresh(owner));
        expect(after.body, `${name} changed the page`).not.toBe(before);
        expect(after.etag, name).not.toBe(page.etag);
        page = after;
      }

      // A neighbour's writes leave the owner's pages as they are.
      await f.addTask(neighbour, { title: 'not yours', tags: ['garden'] });
      expect((await cached.tasks.listPage(owner, QUERY, (etag) => etag === page.etag)).body).toBeNull();
    });

    it("folds a user's version rows into one of the same total, leaving other users as they are", async () => {
      const owner = await f.signUp();
      const neighbour = await f.signUp();
      const { listVersions } = f.store.repos;
      for (const title of ['a', 'b', 'c']) await f.addTask(owner, { title });
      await f.addTask(neighbour, { title: 'theirs' });
      const before = await listVersions.read(owner.userId);
      const theirs = await listVersions.read(neighbour.userId);
      expect(before.changes).toBe(3);
      await listVersions.compact(owner.userId);
      expect(await listVersions.read(owner.userId)).toStrictEqual({ version: before.version, changes: 1 });
      expect(await listVersions.read(neighbour.userId)).toStrictEqual(theirs);
      await f.addTask(owner, { title: 'd' });
      const after = await listVersions.read(owner.userId);
      expect(after.version).not.toBe(before.version);
      await listVersions.compact(); // everyone's
      expect(await listVersions.read(owner.userId)).toStrictEqual({ version: after.version, changes: 1 });
      expect(await listVersions.read(neighbour.userId)).toStrictEqual(theirs);
    });

    it('loses no write to folds running at the same time', async () => {
      const owner = await f.signUp();
      const { listVersions } = f.store.repos;
      const start = Number((await listVersions.read(owner.userId)).version);
      const batchesBefore = f.taskWriteBatches.length;
      // Creates and folds interleaved, so folds take rows while other creates append theirs.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 4 === 3 ? listVersions.compact(owner.userId) : f.addTask(owner, { title: `concurrent ${i}` }),
        ),
      );
      await listVersions.compact(owner.userId);
      // Each writing transaction adds one; creates arriving together are one statement.
      const writes = f.taskWriteBatches.slice(batchesBefore);
      expect(writes.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await listVersions.read(owner.userId)).toStrictEqual({ version: String(start + writes.length), changes: 1 });
    });

    it('keeps a page per query, and names the query in its ETag', async () => {
      const owner = await f.signUp();
      await f.addTask(owner, { title: 'high', priority: 'high' });
      await f.addTask(owner, { title: 'low', priority: 'low' });
      const high = TaskListQuery.parse({ priority: ['high'] });
      const all = await cached.tasks.listPage(owner, QUERY);
      const highOnly = await cached.tasks.listPage(owner, high);
      expect(JSON.parse(highOnly.body!).items.map((t: { title: string }) => t.title)).toStrictEqual(['high']);
      expect(JSON.parse(all.body!).items).toHaveLength(2);
      expect(highOnly.etag).not.toBe(all.etag);
      expect((await cached.tasks.listPage(owner, high)).body).toBe(highOnly.body);
    });

    it('never keeps an overdue list, which changes with the clock alone', async () => {
      const owner = await f.signUp(undefined, 'UTC');
      await f.addTask(owner, { title: 'soon', due: { dateTime: '2026-11-27T10:00:00', timeZone: 'UTC' } });
      const overdue = TaskListQuery.parse({ overdue: true });
      const before = await cached.tasks.listPage(owner, overdue);
      expect(before.etag).toBeUndefined();
      expect(JSON.parse(before.body!).items).toHaveLength(0);
      f.clock.advance(2 * 3600_000);
      expect(JSON.parse((await cached.tasks.listPage(owner, overdue)).body!).items).toHaveLength(1);
    });
  });
}
