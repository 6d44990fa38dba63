/**
 * Issue #20, acceptance 1, 2 and 4 with real processes on a real embedded data folder: one
 * writer per folder, start-up refusals a person can act on (exit code and message), and an
 * online `todo backup` restored with `todo restore` into a fresh folder.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDatabase } from '@todo/storage';
import { createPostgresDatabase, tempDataDir } from '@todo/testing';
import { api, startServer, type ServerProcess } from './support/process.js';

/** Where todo-app keeps its embedded PostgreSQL server's files, inside DATA_DIR. */
const DATABASE_FOLDER = 'postgres';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'apps/cli/dist/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `todo <args>` to its end, as a person at a shell would. */
function todo(args: string[], env: Record<string, string>, options: { withoutRootsReadAll?: boolean } = {}): Promise<Run> {
  // Root reads every file whatever its mode, by two capabilities; without them in the bounding
  // set (util-linux setpriv) root meets permissions as an ordinary user does, and still runs
  // the Node binary and the repository it owns.
  const [command, prefix] = options.withoutRootsReadAll
    ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath]]
    : [process.execPath, []];
  const child = spawn(command, [...prefix, bin, ...args], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last line a refused command printed: the one a person reads. */
const refusal = (run: Run) => run.stderr.trim().split('\n').at(-1) ?? '';

const folders: string[] = [];
const folder = (name: string) => {
  const dir = tempDataDir(`todo-${name}-`);
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('one writer per data folder', () => {
  let dataDir: string;
  let server: ServerProcess;
  let token: string;
  beforeAll(async () => {
    dataDir = folder('lock');
    server = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, 90_000);
    ({ token } = await api(server.url, 'POST', '/api/auth/signup', undefined, {
      email: 'first@example.test',
      password: 'correct horse battery',
    }));
  }, 120_000);
  afterAll(() => server?.kill('SIGTERM'));

  it('a second server on the same folder exits non-zero, naming the folder and the PID', async () => {
    const second = await todo(['start'], { DATA_DIR: dataDir });
    expect(second.code).not.toBe(0);
    expect(refusal(second)).toMatch(
      new RegExp(`^todo: ${dataDir} is in use by todo-app process ${server.child.pid} \\(todo start`),
    );
    expect(refusal(second)).toContain('stop that server first');
  });

  it('todo user create goes through the running server: the user can log in', async () => {
    const created = await todo(
      ['user', 'create', '--email', 'admin@example.test', '--password', 'a long passphrase', '--admin'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created user admin@example\.test \(.+\) \[admin\]/);
    const login = await api(server.url, 'POST', '/api/auth/login', undefined, {
      email: 'admin@example.test',
      password: 'a long passphrase',
    });
    expect(login.user.isAdmin).toBe(true);
  });

  it('commands that would write the folder themselves refuse, saying what to do instead', async () => {
    const tokenRun = await todo(
      ['token', 'create', '--name', 'x', '--email', 'first@example.test', '--password', 'correct horse battery'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(tokenRun.code).toBe(1);
    expect(refusal(tokenRun)).toContain(`is in use by todo-app process ${server.child.pid}`);
    expect(refusal(tokenRun)).toContain('todo login');
    const restore = await todo(['restore', join(dataDir, 'whatever.todo-backup')], { DATA_DIR: dataDir });
    expect(restore.code).toBe(1);
    expect(refusal(restore)).toContain('stop the server first');
  });

  it('backs up online; the backup restored into a fresh folder serves the same tasks', { timeout: 180_000 }, async () => {
    for (const title of ['one', 'two', 'three']) await api(server.url, 'POST', '/api/tasks', token, { title });
    const file = join(folder('backup-file'), 'todo.todo-backup');
    const backup = await todo(['backup', file], { DATA_DIR: dataDir });
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^backup written to ${file}: \\d+ tables, \\d+ rows`, 'm'));

    // The server dies hard: its lock is left behind and taken over by the next command.
    await server.kill('SIGKILL');
    const fresh = folder('restored');
    cpSync(join(dataDir, 'jwt-secret'), join(fresh, 'jwt-secret'));
    const restore = await todo(['restore', file], { DATA_DIR: fresh });
    expect(restore.code).toBe(0);
    const takeOver = await todo(['restore', file], { DATA_DIR: dataDir });
    expect(takeOver.code).toBe(0);
    expect(takeOver.stdout).toContain('the database that was there is kept in');

    const restarted = await startServer({ DATA_DIR: fresh, LOG_LEVEL: 'warn' }, 90_000);
    try {
      const page = await api(restarted.url, 'GET', '/api/tasks', token);
      expect(page.items.map((t: { title: string }) => t.title).sort()).toEqual(['one', 'three', 'two']);
    } finally {
      await restarted.kill('SIGTERM');
    }
  });
});

// Only as root does the server run as another account (todo-db); as anyone else it is the same user.
it.runIf(process.getuid?.() === 0)(
  'as root, a DATA_DIR private to root works: the server account may pass through, not list',
  async () => {
    const dir = folder('private');
    chmodSync(dir, 0o700);
    const run = await todo(['migrate'], { DATA_DIR: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o701);
    expect(statSync(join(dir, DATABASE_FOLDER)).mode & 0o777).toBe(0o700);
  },
);

describe('start-up refuses a data folder it cannot use, saying why and what to do', () => {
  let template: string;
  beforeAll(async () => {
    template = folder('template');
    const migrated = await todo(['migrate'], { DATA_DIR: template });
    expect(migrated.code).toBe(0);
  }, 120_000);
  const copy = (name: string) => {
    const dir = folder(name);
    cpSync(template, dir, { recursive: true });
    return dir;
  };
  const start = (dataDir: string, env: Record<string, string> = {}, options: { withoutRootsReadAll?: boolean } = {}) =>
    todo(['start'], { DATA_DIR: dataDir, ...env }, options);

  it('a truncated control file', async () => {
    const dir = copy('truncated');
    truncateSync(join(dir, DATABASE_FOLDER, 'global', 'pg_control'), 100);
    const run = await start(dir);
    expect(run.code).toBe(1);
    expect(refusal(run)).toBe(
      `todo: the database in ${dir}/${DATABASE_FOLDER} is damaged: its control file global/pg_control is 100 bytes long instead of 8192 (truncated); ` +
        `restore a backup with \`todo restore <file>\` (automatic ones are in ${dir}/backups), or move the folder away to start empty`,
    );
  });

  it('missing write-ahead log files', async () => {
    const dir = copy('no-wal');
    for (const name of readdirSync(join(dir, DATABASE_FOLDER, 'pg_wal'))) {
      if (/^[0-9A-F]{24}$/.test(name)) rmSync(join(dir, DATABASE_FOLDER, 'pg_wal', name));
    }
    const run = await start(dir);
    expect(run.code).toBe(1);
    expect(refusal(run)).toMatch(
      /is damaged: the write-ahead log file pg_wal\/[0-9A-F]{24}, which the last checkpoint needs, is missing; restore a backup/,
    );
  });

  it("damaged table files: the database's own words, not the SQL", { timeout: 120_000 }, async () => {
    const dir = copy('bad-page');
    const database = await createDatabase({ dataDir: join(dir, DATABASE_FOLDER) });
    const { rows } = (await database.db.execute(
      sql`select pg_relation_filepath('drizzle.__drizzle_migrations') as path`,
    )) as unknown as {
      rows: { path: string }[];
    };
    await database.close();
    writeFileSync(join(dir, DATABASE_FOLDER, rows[0]!.path), Buffer.alloc(8192, 0xa5));
    const run = await start(dir);
    expect(run.code).toBe(1);
    expect(refusal(run)).toBe(
      `todo: ${dir}/${DATABASE_FOLDER} cannot be read: invalid page in block 0 of relation "…" (SQLSTATE XX001); it is damaged: ` +
        `restore a backup with \`todo restore <file>\` (automatic ones are in ${dir}/backups)`,
    );
  });

  it('a folder that is not a todo-app data folder', async () => {
    const dir = folder('foreign');
    writeFileSync(join(dir, 'thesis.tex'), '\\documentclass{article}');
    mkdirSync(join(dir, 'photos'));
    const run = await start(dir);
    expect(run.code).toBe(1);
    expect(refusal(run)).toMatch(
      new RegExp(
        `^todo: ${dir} is not a todo-app data folder \\(it holds (photos, thesis.tex|thesis.tex, photos)\\); set DATA_DIR`,
      ),
    );
    expect(readdirSync(dir).sort()).toEqual(['photos', 'thesis.tex']);
  });

  it('an unreadable folder', async () => {
    const dir = copy('unreadable');
    chmodSync(dir, 0o000);
    const run = await start(dir, {}, { withoutRootsReadAll: process.getuid?.() === 0 });
    chmodSync(dir, 0o700);
    expect(run.code).toBe(1);
    expect(refusal(run)).toBe(
      `todo: the data folder ${dir} cannot be read (permission denied); run todo as the user who owns it, or give that user access (chown -R)`,
    );
  });

  it('an empty or short jwt-secret file, and a short JWT_SECRET', async () => {
    const dir = copy('secret');
    writeFileSync(join(dir, 'jwt-secret'), '');
    const empty = await start(dir);
    expect(empty.code).toBe(1);
    expect(refusal(empty)).toBe(
      `todo: ${dir}/jwt-secret holds nothing (at least 32 needed to sign sessions); restore it from a backup, or delete it to have a new one generated (everyone then logs in again)`,
    );
    writeFileSync(join(dir, 'jwt-secret'), 'short\n');
    expect(refusal(await start(dir))).toContain('jwt-secret holds only 5 characters');
    const env = await start(dir, { JWT_SECRET: 'too-short' });
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('JWT_SECRET: must be at least 32 characters');
  });

  it('a schema newer than this build', { timeout: 120_000 }, async () => {
    const dir = copy('newer');
    const database = await createDatabase({ dataDir: join(dir, DATABASE_FOLDER) });
    const { known } = await database.migrationStatus();
    await database.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', 4102444800000)`,
    );
    await database.close();
    const run = await start(dir);
    expect(run.code).toBe(1);
    expect(refusal(run)).toBe(
      `todo: ${dir}/${DATABASE_FOLDER}: this data was written by a newer todo-app (schema ${known + 1}, this build knows ${known}); upgrade todo-app or restore a backup`,
    );
  });
});

describe('todo backup / todo restore with DATABASE_URL (no client tools needed)', () => {
  const databases: Awaited<ReturnType<typeof createPostgresDatabase>>[] = [];
  afterAll(() => Promise.all(databases.map((db) => db.drop())));
  // Nothing of PostgreSQL's own on PATH: the backup goes through the connection alone.
  const PATH = dirname(process.execPath);
  const users = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query('select email from users order by 1')).rows;
    } finally {
      await client.end();
    }
  };

  it('restores a backup into another database, replacing what it held', { timeout: 120_000 }, async () => {
    const source = await createPostgresDatabase('todo_backup');
    const target = await createPostgresDatabase('todo_restore');
    databases.push(source, target);
    const env = { DATABASE_URL: source.url, JWT_SECRET: 'q'.repeat(40), PATH };
    const targetEnv = { ...env, DATABASE_URL: target.url };
    expect((await todo(['migrate'], env)).code).toBe(0);
    expect((await todo(['user', 'create', '--email', 'pg@example.test', '--password', 'a long passphrase'], env)).code).toBe(0);
    expect((await todo(['migrate'], targetEnv)).code).toBe(0);
    const replaced = ['user', 'create', '--email', 'replaced@example.test', '--password', 'a long passphrase'];
    expect((await todo(replaced, targetEnv)).code).toBe(0);
    const file = join(folder('pg-backup'), 'todo.todo-backup');
    const backup = await todo(['backup', file], env);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^backing up the database at DATABASE_URL to ${file}`));
    expect(backup.stdout).toMatch(/^backup written to .*: \d+ tables, \d+ rows, [\d.]+ KiB \(schema \d+\)/m);
    const restore = await todo(['restore', file], targetEnv);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^restored \d+ tables, \d+ rows$/m);
    expect(await users(target.url)).toEqual([{ email: 'pg@example.test' }]);
  });

  it('refuses a file that is not a backup, saying so, and changes nothing', async () => {
    const target = await createPostgresDatabase('todo_restore');
    databases.push(target);
    const env = { DATABASE_URL: target.url, JWT_SECRET: 'q'.repeat(40), PATH };
    expect((await todo(['migrate'], env)).code).toBe(0);
    expect((await todo(['user', 'create', '--email', 'kept@example.test', '--password', 'a long passphrase'], env)).code).toBe(0);
    const bogus = join(folder('not-a-backup'), 'x.todo-backup');
    writeFileSync(bogus, 'hello');
    const run = await todo(['restore', bogus], env);
    expect(run.code).toBe(1);
    expect(refusal(run)).toBe(
      `todo: cannot restore ${bogus}: this is not a todo-app backup: it does not start with a backup header (incorrect header check); nothing was changed`,
    );
    expect(await users(target.url)).toEqual([{ email: 'kept@example.test' }]);
  });
});
