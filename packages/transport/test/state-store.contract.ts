/**
 * The StateStore contract: get/set/delete with optimistic concurrency (etags)
 * and first-write-wins, which the consumers' delivery ledgers rely on (docs/decisions/0002-delivery-ledgers.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StateConflictError, type StateStore } from '../src/index.js';
import { uniqueName } from './support.js';

export interface StateStoreHarness {
  store: StateStore;
  close(): Promise<void>;
}

export function runStateStoreContract(name: string, createHarness: () => Promise<StateStoreHarness>): void {
  describe(`StateStore contract: ${name}`, () => {
    let h: StateStoreHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });
    const setup = async () => (h = await createHarness()).store;

    it('gets, sets, overwrites and deletes', async () => {
      const store = await setup();
      const key = uniqueName('k');
      expect(await store.get(key)).toBeNull();
      const first = await store.set(key, { sent: ['a'], count: 1 });
      expect(typeof first).toBe('string');
      expect(await store.get(key)).toEqual({ value: { sent: ['a'], count: 1 }, etag: first });
      const second = await store.set(key, 'plain string');
      expect(second).not.toBe(first);
      expect(await store.get(key)).toEqual({ value: 'plain string', etag: second });
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
      await store.delete(key);
    });

    it('round-trips JSON values of every shape', async () => {
      const store = await setup();
      const values = [0, 42.5, true, 'text', [1, 'two', { three: 3 }], { nested: { deep: [null, false] } }];
      for (const value of values) {
        const key = uniqueName('json');
        await store.set(key, value);
        expect((await store.get(key))?.value).toEqual(value);
      }
    });

    it('writes with a matching etag and refuses a stale one', async () => {
      const store = await setup();
      const key = uniqueName('k');
      const v1 = await store.set(key, 1);
      const v2 = await store.set(key, 2, { etag: v1 });
      await expect(store.set(key, 3, { etag: v1 })).rejects.toBeInstanceOf(StateConflictError);
      await expect(store.set(key, 3, { etag: 'not-an-etag' })).rejects.toBeInstanceOf(StateConflictError);
      expect(await store.get(key)).toEqual({ value: 2, etag: v2 });
      await expect(store.set(uniqueName('missing'), 1, { etag: v2 })).rejects.toBeInstanceOf(StateConflictError);
    });

    it('lets exactly one of two writers holding the same etag win', async () => {
      const store = await setup();
      const key = uniqueName('k');
      const etag = await store.set(key, 'start');
      const results = await Promise.allSettled(['left', 'right'].map((v) => store.set(key, v, { etag })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected');
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
    });

    it('first-write-wins: a second first write conflicts and changes nothing', async () => {
      const store = await setup();
      const key = uniqueName('ledger');
      const etag = await store.set(key, { by: 'first' }, { firstWrite: true });
      await expect(store.set(key, { by: 'second' }, { firstWrite: true })).rejects.toBeInstanceOf(StateConflictError);
      expect(await store.get(key)).toEqual({ value: { by: 'first' }, etag });
    });

    it('lets exactly one of many concurrent first writes win', async () => {
      const store = await setup();
      const key = uniqueName('ledger');
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.set(key, { writer: i }, { firstWrite: true })),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StateConflictError);
      const stored = await store.get<{ writer: number }>(key);
      expect(stored?.etag).toBe((winners[0] as PromiseFulfilledResult<string>).value);
    });

    it('deletes with a matching etag and refuses a stale one', async () => {
      const store = await setup();
      const key = uniqueName('k');
      const v1 = await store.set(key, 'a');
      const v2 = await store.set(key, 'b');
      await expect(store.delete(key, { etag: v1 })).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.get(key))?.value).toBe('b');
      await store.delete(key, { etag: v2 });
      expect(await store.get(key)).toBeNull();
    });

    it('never accepts an etag from before a delete once the key exists again', async () => {
      const store = await setup();
      const key = uniqueName('k');
      const old = await store.set(key, 'before');
      await store.delete(key);
      const fresh = await store.set(key, 'after', { firstWrite: true });
      expect(fresh).not.toBe(old);
      await expect(store.set(key, 'stale writer', { etag: old })).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.get(key))?.value).toBe('after');
    });
  });
}
