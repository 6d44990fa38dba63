/**
 * How the database's schema compares with the migrations this build carries. Drizzle's
 * migrator applies every migration newer than the last one recorded and says nothing when
 * the database is *ahead* of the build (written by a newer todo-app): an older build would
 * then run on a schema it does not know. Start-up reads this first and refuses that case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './db.js';

export interface MigrationStatus {
  /** Migrations this build carries. */
  known: number;
  /** Migrations recorded in the database. */
  applied: number;
  /** Migrations of this build the database has not had yet. */
  pending: number;
  /** The database has migrations this build does not know: it was written by a newer build. */
  newer: boolean;
}

interface Journal {
  entries: { when: number; tag: string }[];
}

export async function migrationStatus(db: Db, migrationsFolder: string): Promise<MigrationStatus> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as Journal;
  const known = journal.entries.length;
  const exists = (await db.execute(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  )) as unknown as {
    rows: { present: boolean }[];
  };
  if (!exists.rows[0]?.present) return { known, applied: 0, pending: known, newer: false };
  const recorded = (await db.execute(
    sql`select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations`,
  )) as unknown as { rows: { applied: number; last: string | null }[] };
  const applied = Number(recorded.rows[0]?.applied ?? 0);
  const last = Number(recorded.rows[0]?.last ?? 0);
  const newest = Math.max(0, ...journal.entries.map((e) => e.when));
  return {
    known,
    applied,
    pending: journal.entries.filter((e) => e.when > last).length,
    newer: last > newest || applied > known,
  };
}
