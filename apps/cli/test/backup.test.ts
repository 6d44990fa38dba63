/**
 * Issue #20, acceptance 4: a backup taken while the runtime serves is restored into a fresh
 * database with every task, reminder, token, notification and queued event; a running server
 * streams it through the control socket, and a copy cut off midway leaves no file; migrating
 * an existing database first takes a backup of it, and only the last three are kept.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@todo/config';
import { createDatabase, writeBackup, type Database } from '@todo/storage';
import { createPostgresDatabase, createTestDatabase, tempDataDir } from '@todo/testing';
import { BACKUP_DIR, backupBeforeMigration, describeBackup, restoreFile, saveBackup } from '../src/backup.js';
import { listenControl, streamControl } from '../src/control-socket.js';
import { openDatabase } from '../src/data-dir.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const rowsOf = async (database: Database, query: SQL) =>
  ((await database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;

/** Every row of every table of the app, as JSON text, in a stable order; and the sequences. */
async function contents(database: Database): Promise<Record<string, string[]>> {
  const tables = await rowsOf(
    database,
    sql`select format('%I.%I', table_schema, table_name) as name from information_schema.tables
        where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1`,
  );
  const result: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await rowsOf(database, sql.raw(`select to_jsonb(t)::text as row from ${String(name)} t order by 1`));
    result[String(name)] = rows.map((r) => String(r['row']));
  }
  result['sequences'] = (await rowsOf(database, sql`select sequencename, last_value from pg_sequences order by 1`)).map((r) =>
    JSON.stringify(r),
  );
  return result;
}

const folders: string[] = [];
const freshFolder = () => {
  const dir = tempDataDir('todo-backup-');
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('todo backup / todo restore (PostgreSQL)', () => {
  let p: Pipeline;
  let before: Record<string, string[]>;
  let file: string;
  const targets: Database[] = [];
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    const u = await p.user('UTC');
    for (let i = 1; i <= 5; i++) {
      const res = await p.call('POST', '/api/tasks', u.auth, {
        title: `Task ${i}`,
        tags: ['home'],
        reminders: [{ type: 'absolute', at: `2026-11-27T09:0${i}:00Z` }],
      });
      expect(res.status).toBe(201);
    }
    const parent = await p.call('POST', '/api/tasks', u.auth, { title: 'Trip', recurrence: { rule: 'every month' } });
    expect((await p.call('POST', '/api/tasks', u.auth, { title: 'Pack', parentId: parent.body.id })).status).toBe(201);
    expect((await p.call('POST', '/api/tokens', u.auth, { name: 'laptop', scopes: ['read'] })).status).toBe(201);
    await p.advanceTo('2026-11-27T09:03:00Z');
    before = await contents(p.runtime.database);
    file = join(freshFolder(), 'todo.todo-backup');
    await saveBackup(file, (output) => writeBackup(p.runtime.database, output));
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await p?.close();
  });

  it('restores a backup taken while serving into a fresh database with every row', async () => {
    expect(before['public.notifications']).toHaveLength(3);
    expect(before['public.api_tokens']).toHaveLength(1);
    expect(before['public.reminders']).toHaveLength(5);
    // Events went through the queue (and were acknowledged): its numbering must carry on.
    expect(before['sequences']).toContainEqual(
      expect.stringMatching(/^\{"sequencename":"event_deliveries_seq_seq","last_value":"[1-9]/),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Written after the copy: must not be in it.
    const u = await p.user('UTC');
    await p.call('POST', '/api/tasks', u.auth, { title: 'after the backup' });

    const target = await createTestDatabase();
    targets.push(target);
    const summary = await restoreFile(target, file);
    expect(summary).toMatchObject({ tables: Object.keys(before).length - 1, migrations: summary.known });
    expect(await contents(target)).toEqual(before);
    expect(await describeBackup(file)).toMatchObject({ tables: summary.tables, rows: summary.rows, bytes: statSync(file).size });
  });

  it('streams from the server holding the data through its control socket; a copy cut off leaves no file', async () => {
    const dir = freshFolder();
    let fail: 'at once' | 'midway' | undefined;
    const control = await listenControl(
      dir,
      {
        backup: async (output) => {
          if (fail === 'at once') throw new Error('the database is not reachable');
          if (!fail) return writeBackup(p.runtime.database, output);
          output.write(readFileSync(file).subarray(0, 100));
          throw new Error('the disk is full');
        },
        createUser: () => Promise.reject(new Error('not here')),
      },
      pino({ level: 'silent' }),
    );
    try {
      const streamed = join(dir, 'streamed.todo-backup');
      await saveBackup(streamed, (output) => streamControl(dir, '/backup', output));
      expect((await describeBackup(streamed)).tables).toBe(Object.keys(before).length - 1);

      const cut = join(dir, 'cut.todo-backup');
      fail = 'midway';
      await expect(saveBackup(cut, (output) => streamControl(dir, '/backup', output))).rejects.toThrow();
      expect(readdirSync(dir).filter((name) => name.startsWith('cut'))).toEqual([]);
      fail = 'at once';
      await expect(saveBackup(cut, (output) => streamControl(dir, '/backup', output))).rejects.toThrow(
        /^the database is not reachable$/,
      );
      expect(readdirSync(dir).filter((name) => name.startsWith('cut'))).toEqual([]);
    } finally {
      await control?.close();
    }
  });

  it('refuses a file that is not a backup, saying so, and changes nothing', async () => {
    const target = await createTestDatabase();
    targets.push(target);
    const held = await contents(target);
    const bogus = join(freshFolder(), 'not-a-backup.todo-backup');
    writeFileSync(bogus, 'hello');
    await expect(restoreFile(target, bogus)).rejects.toThrow(
      `cannot restore ${bogus}: this is not a todo-app backup: it does not start with a backup header (incorrect header check); nothing was changed`,
    );
    expect(await contents(target)).toEqual(held);
  });
});

describe('the backup before a migration', () => {
  const migrations = fileURLToPath(new URL('../../../packages/storage/migrations', import.meta.url));
  let opened: Database | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('holds the database as it was, one migration behind; only the last three are kept', async () => {
    // A database as an older build left it: all migrations but the last.
    const older = freshFolder();
    cpSync(migrations, older, { recursive: true });
    const journalFile = join(older, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }));
    const source = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    await migrate(drizzle({ client }), { migrationsFolder: older });
    await client.end();
    const database = await createDatabase({ url: source.url });

    const dataDir = freshFolder();
    const backups = join(dataDir, BACKUP_DIR);
    mkdirSync(backups);
    for (const day of ['01', '02', '03'])
      writeFileSync(join(backups, `pre-migration-2026-01-${day}T00-00-00-000Z-schema-1-of-2.todo-backup`), '');
    try {
      await backupBeforeMigration(database, dataDir, await database.migrationStatus());
    } finally {
      await database.close();
      await source.drop();
    }
    const kept = readdirSync(backups).sort();
    expect(kept).toHaveLength(3);
    expect(kept[0]).toMatch(/^pre-migration-2026-01-02/);
    const taken = kept[2]!;
    expect(taken).toMatch(
      new RegExp(`^pre-migration-.*-schema-${journal.entries.length - 1}-of-${journal.entries.length}\\.todo-backup$`),
    );
    opened = await createTestDatabase();
    await restoreFile(opened, join(backups, taken));
    expect((await opened.migrationStatus()).pending).toBe(1);
  });

  it('is not taken for a new, empty folder', async () => {
    const dataDir = freshFolder();
    const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'p'.repeat(40) });
    opened = await openDatabase(config, pino({ level: 'silent' }), { command: 'test', whenBusy: 'wait' });
    expect(readdirSync(dataDir)).not.toContain(BACKUP_DIR);
  });
});
