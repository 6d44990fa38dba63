import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskListQuery, TaskCreate } from '@todo/domain';
import { Store } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { createServices, uuidV7Ids, type Principal, type Services } from './index.js';
import { ListPageCache, TaskListPages } from './task-list-pages.js';

describe('ListPageCache', () => {
  it('gives a page back only at the version it was kept under', () => {
    const cache = new ListPageCache(1_000);
    cache.set('u1', 'q', '7', 'page at 7');
    expect(cache.get('u1', 'q', '7')).toBe('page at 7');
    expect(cache.get('u2', 'q', '7')).toBeUndefined();
    expect(cache.get('u1', 'other', '7')).toBeUndefined();
    expect(cache.get('u1', 'q', '8')).toBeUndefined();
    // A stale page is dropped, not kept for a version that will not come back.
    expect(cache.get('u1', 'q', '7')).toBeUndefined();
    expect(cache.chars).toBe(0);
  });

  it('holds at most its bound, dropping the least recently used pages first', () => {
    const cache = new ListPageCache(320);
    const queries = [...'abcdefghijklmnop'];
    for (const q of queries) cache.set('u', q, '1', q.repeat(20));
    expect(cache.chars).toBe(320);
    cache.get('u', 'a', '1'); // now the most recently used
    cache.set('u', 'q', '1', 'q'.repeat(10));
    expect(cache.chars).toBe(310);
    expect(cache.get('u', 'b', '1')).toBeUndefined();
    for (const q of queries.filter((q) => q !== 'b')) expect(cache.get('u', q, '1')).toBe(q.repeat(20));
    cache.set('u', 'a', '2', 'A'.repeat(5)); // replaces, not adds
    expect(cache.chars).toBe(295);
    expect(cache.get('u', 'a', '2')).toBe('AAAAA');
  });

  it('does not keep a page larger than a sixteenth of its bound', () => {
    const cache = new ListPageCache(1_600);
    cache.set('u', 'big', '1', 'x'.repeat(101));
    cache.set('u', 'fits', '1', 'x'.repeat(100));
    expect(cache.get('u', 'big', '1')).toBeUndefined();
    expect(cache.get('u', 'fits', '1')).toBe('x'.repeat(100));
  });
});

describe('TaskListPages', () => {
  const query = TaskListQuery.parse({});
  let services: Services;
  let store: Store;
  let owner: Principal;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    close = () => database.close();
    store = new Store(database.db);
    services = createServices(
      { store, clock: new TestClock('2026-11-27T09:00:00Z'), ids: uuidV7Ids, eventSource: 'todo-app/test' },
      { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
    );
    const session = await services.auth.signUp({ email: 'pages@example.test', password: 'correct horse battery' });
    owner = { userId: session.user.id, scopes: ['read', 'write'], via: 'session' };
  });
  afterAll(() => close?.());

  /** Pages over the real store, counting list statements and version reads. */
  const counting = (cache: ListPageCache | undefined) => {
    const reads = { count: 0, versions: 0 };
    const { listVersions } = store.repos;
    const countingVersions = {
      read: (id: string) => (reads.versions++, listVersions.read(id)),
      compact: () => Promise.resolve(),
    };
    const pages = new TaskListPages(countingVersions, cache, async (p, q) => {
      reads.count++;
      const page = await store.repos.tasks.listJson(p.userId, q, { now: new Date(), today: null });
      return { body: `{"items":[${page.items.join(',')}]}`, version: page.version };
    });
    return { pages, reads };
  };

  it('reads the list statement once while the data stays the same, and again after a write', async () => {
    const { pages, reads } = counting(new ListPageCache(100_000));
    await services.tasks.create({ principal: owner }, TaskCreate.parse({ title: 'first' }));
    const first = await pages.page(owner, query);
    // A page nobody holds: the list statement alone, which reads the version with the page.
    expect(reads).toStrictEqual({ count: 1, versions: 0 });
    expect(await pages.page(owner, query)).toStrictEqual(first);
    expect(reads).toStrictEqual({ count: 1, versions: 1 });
    await services.tasks.create({ principal: owner }, TaskCreate.parse({ title: 'new' }));
    const second = await pages.page(owner, query);
    expect(reads.count).toBe(2);
    expect(second.etag).not.toBe(first.etag);
    expect(JSON.parse(second.body!).items).toHaveLength(2);
  });

  it('without a cache reads every time, but still needs no read for a client whose copy is current', async () => {
    const { pages, reads } = counting(undefined);
    const { etag } = await pages.page(owner, query);
    await pages.page(owner, query);
    expect(reads.count).toBe(2);
    expect(await pages.page(owner, query, (e) => e === etag)).toStrictEqual({ body: null, etag });
    expect(reads).toStrictEqual({ count: 2, versions: 1 });
  });

  it('gives an empty page no ETag and keeps none: it carries no version, and is cheap to read again', async () => {
    const { pages, reads } = counting(new ListPageCache(100_000));
    const none = TaskListQuery.parse({ q: 'nothing matches this' });
    expect(await pages.page(owner, none)).toStrictEqual({ body: '{"items":[]}', etag: undefined });
    await pages.page(owner, none);
    expect(reads).toStrictEqual({ count: 2, versions: 0 });
  });
});
