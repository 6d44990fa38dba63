/**
 * For tests about query plans: a migrated PostgreSQL database of its own with one connection
 * (prepared statements and the plans they cache live in it), and what a call made PostgreSQL
 * read, by its own counters — which do not depend on the machine's speed.
 */
import pg from 'pg';
import { createDatabase } from '@todo/storage';
import { createPostgresDatabase } from './databases.js';

export interface MigratedPostgres {
  client: pg.Client;
  close(): Promise<void>;
}

export async function connectMigratedPostgres(prefix: string): Promise<MigratedPostgres> {
  const fresh = await createPostgresDatabase(prefix);
  const database = await createDatabase({ url: fresh.url, poolSize: 1 });
  await database.migrate();
  await database.close();
  const client = new pg.Client({ connectionString: fresh.url });
  await client.connect();
  return {
    client,
    close: async () => {
      await client.end();
      await fresh.drop();
    },
  };
}

export interface Reads {
  /** Rows read from the table itself, by any scan. */
  rows: number;
  /** Entries read from the table's indexes. */
  indexEntries: number;
}

/** What `call` made PostgreSQL read of `table`; the statistics are flushed around it. */
export async function readsOf(client: pg.Client, table: string, call: () => Promise<unknown>): Promise<Reads> {
  const read = async (): Promise<Reads> => {
    await client.query('select pg_stat_force_next_flush()');
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ rows: string; entries: string }>(
      `select coalesce(t.seq_tup_read, 0) + coalesce(t.idx_tup_fetch, 0) as rows,
         (select coalesce(sum(i.idx_tup_read), 0) from pg_stat_user_indexes i where i.relid = t.relid) as entries
       from pg_stat_user_tables t where t.relname = $1`,
      [table],
    );
    return { rows: Number(rows[0]!.rows), indexEntries: Number(rows[0]!.entries) };
  };
  const before = await read();
  await call();
  const after = await read();
  return { rows: after.rows - before.rows, indexEntries: after.indexEntries - before.indexEntries };
}
