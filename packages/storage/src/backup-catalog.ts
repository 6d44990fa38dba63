/**
 * What a backup holds, read from PostgreSQL's catalog: every table of the app's schemas (the
 * app's own in `public`, drizzle's record of applied migrations in `drizzle`) with the columns
 * that take values, in an order that satisfies their foreign keys, and the sequences.
 * Objects an extension installed there are the extension's, not the app's.
 */
import pg from 'pg';
import type { Database } from './client.js';

export const APP_SCHEMAS = ['public', 'drizzle'];
const MIGRATIONS_TABLE = 'drizzle.__drizzle_migrations';

export interface TableInfo {
  schema: string;
  name: string;
  columns: string[];
}

export const quoted = (schema: string, name: string): string => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

const NOT_FROM_EXTENSION = `not exists (select 1 from pg_depend d
  where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

/** Parents before children; a table's references to itself are checked at the end of its COPY. */
export async function appTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const { rows: tables } = await client.query<{ oid: number; schema: string; name: string; columns: string[] }>(
    `select c.oid::int as oid, n.nspname as schema, c.relname as name,
       array(select a.attname::text from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
             order by a.attnum) as columns
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and c.relkind = 'r' and ${NOT_FROM_EXTENSION}
     order by n.nspname, c.relname`,
    [APP_SCHEMAS],
  );
  const { rows: references } = await client.query<{ child: number; parent: number }>(
    `select conrelid::int as child, confrelid::int as parent from pg_constraint
     where contype = 'f' and conrelid <> confrelid`,
  );
  const ordered: typeof tables = [];
  const placed = new Set<number>();
  let remaining = tables;
  while (remaining.length) {
    const ready = remaining.filter((t) =>
      references.every((r) => r.child !== t.oid || placed.has(r.parent) || !tables.some((o) => o.oid === r.parent)),
    );
    if (!ready.length) {
      throw new Error(`the foreign keys of ${remaining.map((t) => t.name).join(', ')} form a cycle: no order can load them`);
    }
    for (const table of ready) placed.add(table.oid);
    ordered.push(...ready);
    remaining = remaining.filter((t) => !placed.has(t.oid));
  }
  return ordered.map(({ schema, name, columns }) => ({ schema, name, columns }));
}

export async function appSequences(client: pg.ClientBase): Promise<{ schema: string; name: string }[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and c.relkind = 'S' and ${NOT_FROM_EXTENSION} order by 1, 2`,
    [APP_SCHEMAS],
  );
  return rows;
}

/** How many migrations the database has had, and the last one (drizzle's record). */
export async function migrationLevel(
  client: pg.ClientBase,
): Promise<{ migrations: number; last: { createdAt: number; hash: string } | null }> {
  const { rows } = await client.query<{ present: boolean }>(`select to_regclass($1) is not null as present`, [MIGRATIONS_TABLE]);
  if (!rows[0]?.present) return { migrations: 0, last: null };
  const level = await client.query<{ migrations: number; created_at: string; hash: string }>(
    `select (count(*) over ())::int as migrations, created_at::text, hash
     from ${MIGRATIONS_TABLE} order by created_at desc limit 1`,
  );
  const row = level.rows[0];
  return row
    ? { migrations: row.migrations, last: { createdAt: Number(row.created_at), hash: row.hash } }
    : { migrations: 0, last: null };
}

/** Where backups and restores run: a URL gets a connection of its own; a Database lends one of its pool. */
export type BackupTarget = Database | string;

export async function withConnection<T>(target: BackupTarget, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (typeof target === 'string') {
    const client = new pg.Client({ connectionString: target });
    // A dropped connection then fails the work in progress instead of crashing the process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (!target.connect) {
    throw new Error('backups read and write through a PostgreSQL connection of their own; this database hands out none');
  }
  const client = await target.connect();
  let failed = false;
  try {
    return await work(client);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the connection may be mid-COPY: closed rather than handed back.
    client.release(failed);
  }
}
