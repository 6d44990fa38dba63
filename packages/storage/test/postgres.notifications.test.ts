/**
 * LISTEN/NOTIFY (notifications.ts) on a real PostgreSQL: every channel a process listens to
 * shares one connection (each connection is a server process), which comes back, listening to
 * every channel again, when it is lost, and is closed when nothing listens any more.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '@todo/testing';
import type { Database } from '../src/index.js';

describe('notifications', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  /** The server processes of this database that are listening (their last statement was a LISTEN). */
  const listeners = async (): Promise<number[]> => {
    const { rows } = (await database.db.execute(
      sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
    )) as unknown as { rows: { pid: number }[] };
    return rows.map((r) => r.pid);
  };

  it('listens to several channels on one connection, again after it is lost, and closes it after the last unlisten', async () => {
    const heard: string[] = [];
    const stopA = await database.notifications.listen('test_channel_a', (p) => heard.push(`a:${p}`));
    const stopA2 = await database.notifications.listen('test_channel_a', (p) => heard.push(`a2:${p}`));
    const stopB = await database.notifications.listen('test_channel_b', (p) => heard.push(`b:${p}`));
    expect(await listeners()).toHaveLength(1);

    await database.notifications.notify('test_channel_a', '1');
    await database.notifications.notify('test_channel_b', '2');
    await vi.waitFor(() => expect(heard.sort()).toEqual(['a2:1', 'a:1', 'b:2']));

    // The server ends the connection: it is opened again and listens to both channels.
    const [lost] = await listeners();
    await database.db.execute(sql`select pg_terminate_backend(${lost}::int)`);
    heard.length = 0;
    await vi.waitFor(
      async () => {
        await database.notifications.notify('test_channel_b', 'again');
        expect(heard).toContain('b:again');
      },
      { timeout: 10_000, interval: 100 },
    );
    const [reopened] = await listeners();
    expect(reopened).not.toBe(lost);

    // One listener of a channel stops: the other still hears it.
    await stopA();
    heard.length = 0;
    await database.notifications.notify('test_channel_a', '3');
    // (A `b:again` sent by the last round of the wait above may still arrive.)
    await vi.waitFor(() => expect(heard.filter((h) => h.startsWith('a'))).toEqual(['a2:3']));

    await stopA2();
    await stopB();
    await vi.waitFor(async () => expect(await listeners()).toEqual([]));
  });

  it('refuses a channel name that is not an identifier', async () => {
    await expect(database.notifications.listen('x; drop table users', () => undefined)).rejects.toThrow('not a channel name');
  });
});
