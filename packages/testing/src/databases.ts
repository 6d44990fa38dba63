/**
 * Fresh, migrated databases for tests, on both engines. PostgreSQL tests need a server:
 * `npm test` starts one (scripts/infra/postgres.sh) and passes TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database } from '@todo/storage';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

export function postgresBaseUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Run the suite with `npm test` (it starts PostgreSQL), or start one with ' +
        '`eval "$(scripts/infra/postgres.sh start)"` and export TEST_DATABASE_URL="$DATABASE_URL".',
    );
  }
  return url;
}

/** A migrated database of its own; PostgreSQL gets a new database per call, dropped on close. */
export async function createTestDatabase(engine: Engine): Promise<Database> {
  if (engine === 'pglite') {
    const database = await createDatabase({});
    await database.migrate();
    return database;
  }
  const base = new URL(postgresBaseUrl());
  const name = `todo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await createDatabase({ url: url.toString(), poolSize: 5 });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: base.toString() });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
