/** The pipelined connection (statement-pipeline.ts) on a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '@todo/testing';
import { renderStatement, StatementPipeline, type Database } from '../src/index.js';

describe('StatementPipeline', () => {
  let database: Database;
  let pipeline: StatementPipeline;
  beforeAll(async () => {
    database = await createTestDatabase();
    pipeline = database.pipeline;
    await database.db.execute(sql`create table pipelined (n int primary key)`);
  });
  afterAll(() => database?.close());

  const insert = renderStatement(
    'test_pipelined_insert',
    sql`insert into pipelined (n) values (${sql.placeholder('n')}::int) returning n`,
  );
  const backend = renderStatement('test_pipelined_backend', sql`select pg_backend_pid() as pid`);
  const stored = async () => {
    const { rows } = (await database.db.execute(sql`select n from pipelined order by n`)) as unknown as { rows: { n: number }[] };
    return rows.map((r) => r.n);
  };

  it('runs statements sent together one after another, each on its own: a failed one takes nothing with it', async () => {
    // All five are on the wire before the first answer; the third repeats a key.
    const outcomes = await Promise.allSettled([1, 2, 1, 3, 4].map((n) => pipeline.execute<{ n: number }>(insert, { n })));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.rows.map((r) => r.n) : []))).toEqual([1, 2, 3, 4]);
    expect(await stored()).toEqual([1, 2, 3, 4]);
  });

  it('opens a new connection when the server drops it', async () => {
    const pidOf = async () => ((await pipeline.execute<{ pid: number }>(backend, {})).rows[0] as { pid: number }).pid;
    const pid = await pidOf();
    await database.db.execute(sql`select pg_terminate_backend(${pid}::int)`);
    // Statements sent before this process has seen the loss fail with the old connection.
    const next = await vi.waitFor(pidOf, { timeout: 5_000 });

    expect(next).not.toBe(pid);
    await pipeline.execute(insert, { n: 6 });
    expect(await stored()).toEqual([1, 2, 3, 4, 6]);
  });

  it('closes its connection after a quiet while, and opens one again for the next statement', async () => {
    const quiet = new StatementPipeline({ connectionString: database.url! }, 50);
    const pidOf = async () => ((await quiet.execute<{ pid: number }>(backend, {})).rows[0] as { pid: number }).pid;
    const open = async (pid: number) => {
      const { rows } = (await database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where pid = ${pid}::int`,
      )) as unknown as { rows: { n: number }[] };
      return rows[0]!.n === 1;
    };
    try {
      const pid = await pidOf();
      await vi.waitFor(async () => expect(await open(pid)).toBe(false), { timeout: 5_000 });
      const next = await pidOf();
      expect(next).not.toBe(pid);
      expect(await open(next)).toBe(true);
    } finally {
      await quiet.close();
    }
  });
});
