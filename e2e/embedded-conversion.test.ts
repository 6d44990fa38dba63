/**
 * A data folder written by an earlier todo-app (PGlite in DATA_DIR/pglite, one migration behind
 * this build) is converted into the embedded PostgreSQL server on first use: every row arrives,
 * the schema is brought up to date on the way, and the old folder is kept under another name.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { createDatabase, MIGRATIONS_FOLDER } from '@todo/storage';
import { tempDataDir } from '@todo/testing';

const bin = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The committed migrations without the newest one: the schema an earlier build left behind. */
/**
 * The migrations up to (not including) the one that made projects of categories: a schema
 * PGlite builds wrote, fixed so that the rows below keep fitting it, and so that the
 * conversion also runs that migration's data step on PGlite.
 */
function migrationsBeforeProjects(): string {
  const dir = tempDataDir('todo-migrations-');
  dirs.push(dir);
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_projects'));
  expect(at).toBeGreaterThan(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

const USER = '0190a000-0000-7000-8000-000000000001';
const TAG = '0190a000-0000-7000-8000-000000000002';
const TASKS = ['0190a000-0000-7000-8000-000000000003', '0190a000-0000-7000-8000-000000000004'];

function todo(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

it('converts an old PGlite folder on first use, keeping every row and the old folder', { timeout: 120_000 }, async () => {
  const dataDir = tempDataDir('todo-convert-');
  dirs.push(dataDir);
  const old = await PGlite.create(join(dataDir, 'pglite'));
  await migrate(drizzle({ client: old }), { migrationsFolder: migrationsBeforeProjects() });
  await old.exec(`
    insert into users (id, email, password_hash) values ('${USER}', 'ada@example.test', 'not-a-real-hash');
    insert into tags (id, user_id, name) values ('${TAG}', '${USER}', 'home');
    insert into tasks (id, user_id, number, title) values
      ('${TASKS[0]}', '${USER}', 1, 'Buy milk'),
      ('${TASKS[1]}', '${USER}', 2, 'Call Grace — about the “plan”');
    insert into task_tags (task_id, tag_id) values ('${TASKS[0]}', '${TAG}'), ('${TASKS[1]}', '${TAG}');
  `);
  await old.close();

  const run = await todo(['migrate'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain(`converting ${dataDir}/pglite, written by an earlier todo-app`);
  expect(run.stderr).toMatch(/public\.tasks: 2 rows/);
  const kept = readdirSync(dataDir).filter((name) => name.startsWith('pglite'));
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatch(/^pglite\.converted-/);

  const database = await createDatabase({ dataDir: join(dataDir, 'postgres') });
  try {
    const status = await database.migrationStatus();
    expect(status.pending).toBe(0);
    const rows = (query: string) =>
      database.db.execute(sql.raw(query)).then((r) => (r as unknown as { rows: Record<string, unknown>[] }).rows);
    expect(await rows('select email, password_hash from users')).toEqual([
      { email: 'ada@example.test', password_hash: 'not-a-real-hash' },
    ]);
    expect(await rows('select number, title from tasks order by number')).toEqual([
      { number: 1, title: 'Buy milk' },
      { number: 2, title: 'Call Grace — about the “plan”' },
    ]);
    expect(await rows('select count(*)::int as n from task_tags')).toEqual([{ n: 2 }]);
    // Converted from before projects: the tasks went to the user's Inbox on the way.
    expect(await rows('select count(*)::int as n from tasks t join projects p on p.id = t.project_id and p.inbox')).toEqual([
      { n: 2 },
    ]);
    // The generated search column is computed again by the new server.
    expect(await rows(`select number from tasks where search @@ to_tsquery('simple', 'grace')`)).toEqual([{ number: 2 }]);
  } finally {
    await database.close();
  }

  // Converted once: the next start opens the server and leaves the kept folder alone.
  const again = await todo(['migrate'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).not.toContain('converting');
});
