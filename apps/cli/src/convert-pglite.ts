/**
 * Data folders written by earlier todo-app versions hold a PGlite database (PostgreSQL compiled
 * to WebAssembly) in DATA_DIR/pglite. Its files cannot be opened by the PostgreSQL server that
 * embedded mode now runs (a 32-bit build's layout), so the first start converts them: a copy of
 * the old database is brought to this build's schema by the same migrations, then every table
 * is copied row for row (COPY, text format: exact for every type) into the new server, in one
 * transaction. The old folder is kept, renamed, until the person deletes it.
 */
import { cpSync, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { MIGRATIONS_FOLDER } from '@todo/storage';

/** The app's tables (and drizzle's record of migrations), as `schema.table`. */
const TABLES = `select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
  where schemaname = 'public' or (schemaname = 'drizzle' and tablename = '__drizzle_migrations') order by 1`;
const SEQUENCES = `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name from pg_sequences
  where schemaname in ('public', 'drizzle') order by 1`;

export interface Conversion {
  tables: number;
  rows: number;
  /** Where the old folder now is. */
  keptAt: string;
}

/**
 * Copies the PGlite database in `oldFolder` into the freshly migrated server at `url`, then
 * renames `oldFolder`. On failure nothing in the new server is kept and the old folder is untouched.
 */
export async function convertPglite(oldFolder: string, url: string, say: (line: string) => void): Promise<Conversion> {
  const work = `${oldFolder}.converting`;
  rmSync(work, { recursive: true, force: true });
  cpSync(oldFolder, work, { recursive: true });
  const old = await PGlite.create(work);
  const target = new pg.Client({ connectionString: url });
  await target.connect();
  try {
    say('bringing the old database to this version’s schema');
    await migrate(drizzle({ client: old }), { migrationsFolder: MIGRATIONS_FOLDER });
    const tables = (await old.query<{ name: string }>(TABLES)).rows.map((r) => r.name);
    const sequences = (await old.query<{ name: string }>(SEQUENCES)).rows.map((r) => r.name);
    let rows = 0;
    await target.query('begin');
    // Rows go in as they were: no triggers, no foreign-key checks (the set is whole and consistent).
    await target.query('set local session_replication_role = replica');
    await target.query(`truncate ${tables.join(', ')}`);
    for (const table of tables) {
      // PGlite hands COPY's output over as a blob; an empty table gives none.
      const { blob } = await old.query(`copy ${table} to '/dev/blob'`);
      if (!blob?.size) continue;
      const text = Buffer.from(await blob.arrayBuffer());
      const copy = target.query(copyFrom(`copy ${table} from stdin`));
      await pipeline(Readable.from([text]), copy);
      const count = copy.rowCount;
      rows += count;
      say(`${table}: ${count} rows`);
    }
    for (const sequence of sequences) {
      const { rows: value } = await old.query<{ last_value: string; is_called: boolean }>(
        `select last_value, is_called from ${sequence}`,
      );
      await target.query('select setval($1::regclass, $2, $3)', [sequence, value[0]!.last_value, value[0]!.is_called]);
    }
    await target.query('commit');
    const keptAt = `${oldFolder}.converted-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(oldFolder, keptAt);
    return { tables: tables.length, rows, keptAt };
  } catch (error) {
    await target.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await target.end();
    await old.close();
    rmSync(work, { recursive: true, force: true });
  }
}
