/**
 * Fresh, migrated databases for tests, each a database of its own on the PostgreSQL server at
 * TEST_DATABASE_URL: `npm test` starts one (scripts/infra/postgres.sh) and passes it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database, type OutboxMode } from '@todo/storage';

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

/** An empty PostgreSQL database of its own (for processes that migrate it themselves). */
export async function createPostgresDatabase(prefix = 'todo_t'): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = postgresBaseUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(base, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database of its own, dropped on close. `outboxMode: 'deliver'` is what the
 * embedded runtime opens (`DatabaseOptions.outboxMode`).
 */
export async function createTestDatabase(options: { outboxMode?: OutboxMode } = {}): Promise<Database> {
  const fresh = await createPostgresDatabase();
  const database = await createDatabase({ url: fresh.url, poolSize: 5, ...options });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      await fresh.drop();
    },
  };
}
