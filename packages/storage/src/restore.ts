/**
 * `todo restore`: replaces everything the database holds with a backup (backup.ts), in one
 * transaction — a restore that fails, whatever the reason, leaves the database as it was.
 * The app's objects are dropped and the schema is rebuilt by this build's own migrations up
 * to the backup's level (not further: the rows must fit the schema they were copied from; the
 * next start migrates the rest). Rows go in with `COPY … FROM STDIN`, parents first, with the
 * app's row triggers switched off (they would stamp, queue and announce what is only being
 * put back); foreign keys are still checked. Everything needs only the rights of the tables'
 * owner, so a managed PostgreSQL works as well as the embedded one.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SQL } from 'drizzle-orm';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { APP_SCHEMAS, appTables, quoted, withConnection, type BackupTarget } from './backup-catalog.js';
import { BackupError, BackupReader, type BackupHeader } from './backup-format.js';
import { migrationsFolder } from './client.js';

export interface RestoreSummary {
  tables: number;
  rows: number;
  /** The schema level the backup (and now the database) is at, and what this build knows. */
  migrations: number;
  known: number;
  takenAt: string;
}

export async function restoreBackup(target: BackupTarget, input: Readable): Promise<RestoreSummary> {
  const reader = new BackupReader(input);
  const header = await reader.header();
  const migrations = migrationsUpTo(header);
  const summary: RestoreSummary = {
    tables: header.tables.length,
    rows: header.tables.reduce((sum, t) => sum + t.rows, 0),
    migrations: header.schema.migrations,
    known: readMigrationFiles({ migrationsFolder }).length,
    takenAt: header.takenAt,
  };
  await withConnection(target, async (client) => {
    await client.query('begin');
    try {
      await dropAppObjects(client);
      await migrate(client, migrations);
      await loadRows(client, header, reader);
      await reader.end();
      for (const s of header.sequences) {
        await client.query('select setval($1::regclass, $2::bigint, $3)', [quoted(s.schema, s.name), s.lastValue, s.isCalled]);
      }
      await client.query('commit');
    } catch (error) {
      // A failed COPY leaves the connection usable; if not, it is closed and the server rolls back.
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
  return summary;
}

/** This build's migrations up to the backup's level; refuses a level this build does not have. */
function migrationsUpTo(header: BackupHeader): MigrationMeta[] {
  const known = readMigrationFiles({ migrationsFolder });
  const { migrations: level, last } = header.schema;
  const newest = known.at(-1)?.folderMillis ?? 0;
  if (level > known.length || (last && last.createdAt > newest)) {
    throw new BackupError(
      `this backup was written by a newer todo-app (schema ${level}, this build knows ${known.length}): restore it with that version or newer`,
    );
  }
  if (level > 0 && known[level - 1]?.folderMillis !== last?.createdAt) {
    throw new BackupError(`this backup's schema (${level} migrations) is not one this build's migrations make`);
  }
  return known.slice(0, level);
}

/** Everything of the app's: tables (with their indexes, triggers and sequences), views, functions, types. */
async function dropAppObjects(client: pg.ClientBase): Promise<void> {
  await client.query('drop schema if exists drizzle cascade');
  const { rows } = await client.query<{ statement: string }>(
    `select format('drop %s if exists %s cascade', case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
         when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end, c.oid::regclass) as statement, 1 as pass
       from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
     union all
     select format('drop routine if exists %s cascade', p.oid::regprocedure), 2
       from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prokind in ('f', 'p')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     union all
     select format('drop type if exists %s cascade', t.oid::regtype), 3
       from pg_type t
      where t.typnamespace = 'public'::regnamespace and t.typtype in ('e', 'd', 'r', 'm')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
     order by pass`,
  );
  for (const { statement } of rows) await client.query(statement);
}

/**
 * Drizzle's own migrator, given the migrations up to the backup's level and this connection:
 * it asks its session for a transaction, and the one it gets is the restore's.
 */
async function migrate(client: pg.ClientBase, migrations: MigrationMeta[]): Promise<void> {
  const dialect = new PgDialect();
  const run = async (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return (await client.query(text, params.length ? params : undefined)).rows;
  };
  const session = { execute: run, all: run, transaction: <T>(work: (tx: unknown) => Promise<T>) => work(session) };
  await dialect.migrate(migrations, session as unknown as PgSession, { migrationsFolder });
}

async function loadRows(client: pg.ClientBase, header: BackupHeader, reader: BackupReader): Promise<void> {
  // What the migrations put in (seed rows) goes: the backup has its own.
  const tables = await appTables(client);
  if (tables.length) await client.query(`truncate ${tables.map((t) => quoted(t.schema, t.name)).join(', ')}`);
  const present = new Set(tables.map((t) => `${t.schema}.${t.name}`));
  for (const table of header.tables) {
    if (!APP_SCHEMAS.includes(table.schema) || !present.has(`${table.schema}.${table.name}`)) {
      throw new BackupError(`this backup has a table ${table.schema}.${table.name} that its schema level does not make`);
    }
    await client.query(`alter table ${quoted(table.schema, table.name)} disable trigger user`);
  }
  for (const table of header.tables) {
    const name = quoted(table.schema, table.name);
    const columns = table.columns.map((c) => client.escapeIdentifier(c)).join(', ');
    const copy = client.query(copyFrom(`copy ${name} (${columns}) from stdin`));
    await pipeline(reader.rows(table.rows, `${table.schema}.${table.name}`), copy);
    if (copy.rowCount !== table.rows) {
      throw new BackupError(`table ${table.name} took ${copy.rowCount} rows where the backup says ${table.rows}`);
    }
  }
  for (const table of header.tables) await client.query(`alter table ${quoted(table.schema, table.name)} enable trigger user`);
}
