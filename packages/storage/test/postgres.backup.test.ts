/**
 * Backups through SQL alone (backup.ts, restore.ts) on a real PostgreSQL: what is restored is
 * row for row what was copied, sequences included; a restore replaces what was there; a
 * restore that cannot finish leaves the target exactly as it was; an older schema comes back
 * at its own level and the normal migration brings it up to date.
 */
import { cpSync, createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskCreate, TokenCreate } from '@todo/domain';
import { createServices, uuidV7Ids, type Principal } from '@todo/services';
import { createPostgresDatabase, createTestDatabase, postgresBaseUrl } from '@todo/testing';
import { createDatabase, restoreBackup, Store, writeBackup, type Database } from '../src/index.js';
import { appTables } from '../src/backup-catalog.js';
import { migrationsFolder } from '../src/client.js';
import { createFixture, type Fixture } from './fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'todo-backup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

async function backupTo(database: Database): Promise<string> {
  const file = join(folder, `b${++files}.todo-backup`);
  await writeBackup(database, createWriteStream(file));
  return file;
}

/** Every row of every table of the app, as JSON text, in a stable order. */
async function contents(database: Database): Promise<Record<string, string[]>> {
  const client = await database.connect!();
  try {
    const result: Record<string, string[]> = {};
    for (const table of await appTables(client)) {
      const name = `${table.schema}.${table.name}`;
      const { rows } = await client.query<{ row: string }>(`select to_jsonb(t)::text as row from ${name} t order by 1`);
      result[name] = rows.map((r) => r.row);
    }
    return result;
  } finally {
    client.release();
  }
}

const rowsOf = async (database: Database, query: SQL): Promise<unknown[]> =>
  ((await database.db.execute(query)) as unknown as { rows: unknown[] }).rows;

const sequences = (database: Database) =>
  rowsOf(database, sql`select schemaname, sequencename, last_value from pg_sequences order by 1, 2`);

describe('writeBackup / restoreBackup (PostgreSQL)', () => {
  let f: Fixture;
  let file: string;
  let before: Record<string, string[]>;
  let ann: Principal;
  const targets: Database[] = [];
  const fresh = async () => {
    const target = await createTestDatabase();
    targets.push(target);
    return target;
  };
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    await f?.close();
  });

  beforeAll(async () => {
    f = await createFixture();
    ann = await f.signUp();
    const bob = await f.signUp();
    const parent = await f.addTask(ann, {
      title: 'Quarterly report',
      description: 'with a\nnewline, a tab\tand a backslash \\ in it',
      tags: ['work', 'q4'],
      due: { dateTime: '2026-12-01T09:00', timeZone: 'Europe/Berlin' },
      reminders: [{ type: 'relative', minutesBefore: 30 }],
    });
    await f.addTask(ann, { title: 'Collect numbers', parentId: parent.id, tags: ['work'] });
    await f.addTask(ann, { title: 'Water the plants', due: { date: '2026-11-28' }, recurrence: { rule: 'every week' } });
    await f.addTask(bob, { title: 'Book flights', reminders: [{ type: 'absolute', at: '2026-11-30T08:00:00Z' }] });
    await f.services.tokens.create(ann, TokenCreate.parse({ name: 'laptop', scopes: ['read'] }));
    before = await contents(f.database);
    file = await backupTo(f.database);
  });

  it('restores every row of every table into a fresh database, and its sequences', async () => {
    expect(before['public.outbox']!.length).toBeGreaterThan(0);
    expect(before['public.task_tags']!.length).toBe(3);
    expect(before['drizzle.__drizzle_migrations']!.length).toBeGreaterThan(0);
    const target = await fresh();
    const summary = await restoreBackup(target, createReadStream(file));
    expect(summary).toMatchObject({ rows: Object.values(before).flat().length, migrations: summary.known });
    expect(await contents(target)).toEqual(before);
    expect(await sequences(target)).toEqual(await sequences(f.database));
  });

  it('continues the numbering where the copy left it', async () => {
    const target = await fresh();
    await restoreBackup(target, createReadStream(file));
    const services = createServices(
      { store: new Store(target.db), clock: f.clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
      { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
    );
    const next = await services.tasks.create({ principal: ann }, TaskCreate.parse({ title: 'after the restore' }));
    expect(next.number).toBe(4);
    const migrations = before['drizzle.__drizzle_migrations']!.length;
    const id = await rowsOf(target, sql`select nextval('drizzle.__drizzle_migrations_id_seq')::int as next`);
    expect(id).toEqual([{ next: migrations + 1 }]);
  });

  it('replaces what the target held', async () => {
    const target = await fresh();
    const other = await createFixture();
    targets.push(other.database);
    await restoreBackup(target, createReadStream(await backupTo(other.database)));
    await restoreBackup(target, createReadStream(file));
    expect(await contents(target)).toEqual(before);
  });

  it('leaves the target as it was when the file is cut short, is not a backup, or is from a newer build', async () => {
    const other = await createFixture();
    targets.push(other.database);
    await other.signUp('someone-else@example.test');
    const target = other.database;
    const held = await contents(target);
    const whole = readFileSync(file);
    const cut = join(folder, 'cut.todo-backup');
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await expect(restoreBackup(target, createReadStream(cut))).rejects.toThrow(
      /^the file cannot be read to its end \(unexpected end of file\): it is damaged or incomplete$/,
    );

    const garbage = join(folder, 'garbage.todo-backup');
    writeFileSync(garbage, 'hello, this is not a backup\n');
    await expect(restoreBackup(target, createReadStream(garbage))).rejects.toThrow(
      /^this is not a todo-app backup: it does not start with a backup header \(incorrect header check\)$/,
    );
    const notOurs = join(folder, 'not-ours.gz');
    writeFileSync(notOurs, gzipSync('{"hello": "world"}\n'));
    await expect(restoreBackup(target, createReadStream(notOurs))).rejects.toThrow(/^this is not a todo-app backup/);

    const newer = join(folder, 'newer.todo-backup');
    const [head, ...rest] = gunzipSync(whole).toString('utf8').split('\n');
    const header = JSON.parse(head!) as { schema: { migrations: number; last: { createdAt: number } } };
    header.schema = {
      ...header.schema,
      migrations: header.schema.migrations + 1,
      last: { ...header.schema.last, createdAt: 4102444800000 },
    };
    writeFileSync(newer, gzipSync([JSON.stringify(header), ...rest].join('\n')));
    await expect(restoreBackup(target, createReadStream(newer))).rejects.toThrow(
      /^this backup was written by a newer todo-app \(schema \d+, this build knows \d+\)/,
    );
    expect(await contents(target)).toEqual(held);
  });

  it('brings an older schema back at its own level; migrating then brings it up to date', async () => {
    // A database as the build before the last migration left it, with a user in it.
    const older = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: older.url });
    await client.connect();
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const oldFolder = join(folder, 'old-migrations');
    cpSync(migrationsFolder, oldFolder, { recursive: true });
    writeFileSync(
      join(oldFolder, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }),
    );
    await migrate(drizzle({ client }), { migrationsFolder: oldFolder });
    await client.query(
      `insert into users (id, email, password_hash, time_zone) values (gen_random_uuid(), 'old@example.test', 'x', 'UTC')`,
    );
    await client.end();
    const source = await createDatabase({ url: older.url });
    const oldFile = await backupTo(source);
    await source.close();
    await older.drop();

    const target = await fresh();
    const summary = await restoreBackup(target, createReadStream(oldFile));
    expect(summary.migrations).toBe(journal.entries.length - 1);
    expect(await target.migrationStatus()).toMatchObject({ pending: 1, newer: false });
    await target.migrate();
    expect(await target.migrationStatus()).toMatchObject({ pending: 0 });
    expect(await rowsOf(target, sql`select email from users`)).toEqual([{ email: 'old@example.test' }]);
  });

  it('needs no superuser: the owner of the tables backs up and restores (as on a managed PostgreSQL)', async () => {
    const role = `todo_owner_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresBaseUrl() });
    await admin.connect();
    await admin.query(`create role ${role} login nosuperuser nocreatedb nocreaterole`);
    const databases = [await createPostgresDatabase(), await createPostgresDatabase()];
    const opened: Database[] = [];
    try {
      const asOwner = (url: string) => {
        const u = new URL(url);
        u.username = role;
        return u.toString();
      };
      for (const { url } of databases) {
        const name = new URL(url).pathname.slice(1);
        await admin.query(`alter database ${name} owner to ${role}`);
        opened.push(await createDatabase({ url: asOwner(url) }));
      }
      const [source, target] = opened as [Database, Database];
      expect((await rowsOf(source, sql`select rolsuper from pg_roles where rolname = current_user`))[0]).toEqual({
        rolsuper: false,
      });
      await source.migrate();
      await target.migrate();
      await source.db.execute(
        sql`insert into users (id, email, password_hash) values (gen_random_uuid(), 'owner@example.test', 'x')`,
      );
      await restoreBackup(asOwner(databases[1]!.url), createReadStream(await backupTo(source)));
      expect(await rowsOf(target, sql`select email from users`)).toEqual([{ email: 'owner@example.test' }]);
    } finally {
      await Promise.all(opened.map((d) => d.close()));
      await Promise.all(databases.map((d) => d.drop()));
      await admin.query(`drop role ${role}`);
      await admin.end();
    }
  });
});
