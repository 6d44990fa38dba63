/**
 * Issue #20, acceptance 4: a backup taken while the embedded runtime serves is restored into a
 * fresh folder with every task, reminder, token and notification; migrating an existing
 * embedded database first takes a backup of it, and only the last three are kept.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { PGlite } from '@electric-sql/pglite';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@todo/config';
import { createDatabase, type Database } from '@todo/storage';
import { BACKUP_DIR, restoreEmbedded, writeEmbeddedBackup } from '../src/backup.js';
import { openDatabase } from '../src/data-dir.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const TABLES = ['users', 'tasks', 'reminders', 'api_tokens', 'notifications', 'task_tags'] as const;

async function contents(database: Database): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of TABLES) {
    const { rows } = (await database.db.execute(
      sql.raw(`select to_jsonb(t)::text as row from ${table} t order by 1`),
    )) as unknown as {
      rows: { row: string }[];
    };
    result[table] = rows.map((r) => r.row);
  }
  return result;
}

const folders: string[] = [];
const freshFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'todo-backup-'));
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('todo backup / todo restore (embedded)', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline('pglite', '2026-11-27T09:00:00Z');
  });
  afterAll(() => p?.close());

  it('restores a backup taken while serving into a fresh folder with every row', async () => {
    const u = await p.user('UTC');
    for (let i = 1; i <= 5; i++) {
      const res = await p.call('POST', '/api/tasks', u.auth, {
        title: `Task ${i}`,
        tags: ['home'],
        reminders: [{ type: 'absolute', at: `2026-11-27T09:0${i}:00Z` }],
      });
      expect(res.status).toBe(201);
    }
    expect((await p.call('POST', '/api/tokens', u.auth, { name: 'laptop', scopes: ['read'] })).status).toBe(201);
    await p.advanceTo('2026-11-27T09:03:00Z');
    const before = await contents(p.runtime.database);
    expect(before.notifications).toHaveLength(3);
    expect(before.api_tokens).toHaveLength(1);
    expect(before.reminders).toHaveLength(5);

    const file = join(freshFolder(), 'todo.tar.gz');
    await writeEmbeddedBackup(p.runtime.database, file);
    // Written after the copy: must not be in it.
    await p.call('POST', '/api/tasks', u.auth, { title: 'after the backup' });

    const target = freshFolder();
    expect(await restoreEmbedded(target, file)).toBeUndefined();
    const restored = await createDatabase({ dataDir: join(target, 'pglite') });
    try {
      expect(await contents(restored)).toEqual(before);
    } finally {
      await restored.close();
    }
  });

  it('keeps the database that was there when the backup cannot be loaded', async () => {
    const target = freshFolder();
    const source = await createDatabase({ dataDir: join(target, 'pglite') });
    await source.migrate();
    await source.close();
    const bogus = join(target, 'not-a-backup.tar.gz');
    writeFileSync(bogus, 'hello');
    await expect(restoreEmbedded(target, bogus)).rejects.toThrow(/could not be loaded as a todo-app backup.*nothing was changed/);
    const reopened = await createDatabase({ dataDir: join(target, 'pglite') });
    expect((await reopened.migrationStatus()).pending).toBe(0);
    await reopened.close();
  });
});

describe('the backup before a migration', () => {
  const migrations = fileURLToPath(new URL('../../../packages/storage/migrations', import.meta.url));
  let opened: Database | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('is taken when an existing database is migrated, and only the last three are kept', async () => {
    // A database as an older build left it: all migrations but the last.
    const older = freshFolder();
    cpSync(migrations, older, { recursive: true });
    const journalFile = join(older, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }));
    const dataDir = freshFolder();
    const client = await PGlite.create(join(dataDir, 'pglite'));
    await migrate(drizzle({ client }), { migrationsFolder: older });
    await client.close();

    const backups = join(dataDir, BACKUP_DIR);
    mkdirSync(backups);
    for (const day of ['01', '02', '03'])
      writeFileSync(join(backups, `pre-migration-2026-01-${day}T00-00-00-000Z-schema-1-of-2.tar.gz`), '');
    const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'p'.repeat(40) });
    opened = await openDatabase(config, pino({ level: 'silent' }), { command: 'test', whenBusy: 'wait' });
    expect(await opened.migrationStatus()).toMatchObject({ pending: 0, newer: false });

    const kept = readdirSync(backups).sort();
    expect(kept).toHaveLength(3);
    expect(kept[0]).toMatch(/^pre-migration-2026-01-02/);
    const taken = kept[2]!;
    expect(taken).toMatch(
      new RegExp(`^pre-migration-.*-schema-${journal.entries.length - 1}-of-${journal.entries.length}\\.tar\\.gz$`),
    );
    // The backup holds the database as it was: one migration behind.
    await opened.close();
    opened = undefined;
    const check = freshFolder();
    await restoreEmbedded(check, join(backups, taken));
    const restored = await createDatabase({ dataDir: join(check, 'pglite') });
    expect((await restored.migrationStatus()).pending).toBe(1);
    await restored.close();
  });

  it('is not taken for a new, empty folder', async () => {
    const dataDir = freshFolder();
    const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'p'.repeat(40) });
    opened = await openDatabase(config, pino({ level: 'silent' }), { command: 'test', whenBusy: 'wait' });
    expect(readdirSync(dataDir)).not.toContain(BACKUP_DIR);
  });
});
