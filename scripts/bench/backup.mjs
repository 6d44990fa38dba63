#!/usr/bin/env node
// npm run bench:backup — `writeBackup` and `restoreBackup` (@todo/storage, through SQL and COPY
// alone) on a database of TASKS tasks: time, file size, and the Node process's peak memory,
// which stays flat because rows stream from the database into gzip and back. Uses the build
// (run `npx tsc -b` first) and the PostgreSQL of scripts/infra. Writes the table into
// docs/benchmarks.md.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import pg from 'pg';
import { createDatabase, restoreBackup, writeBackup } from '@todo/storage';
import { freshDatabase, postgresUrl, writeSection } from './support.mjs';

const TASKS = Number(process.env['BENCH_TASKS'] ?? 200_000);
const USERS = 100;
const say = (m) => process.stderr.write(`[bench:backup] ${m}\n`);
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const base = postgresUrl();
const sourceUrl = await freshDatabase(base, 'todo_bench_backup_source');
const targetUrl = await freshDatabase(base, 'todo_bench_backup_target');
const source = await createDatabase({ url: sourceUrl });
const target = await createDatabase({ url: targetUrl });
const folder = mkdtempSync(join(tmpdir(), 'todo-bench-backup-'));
try {
  await source.migrate();
  await target.migrate();
  say(`filling the source with ${USERS} users and ${TASKS} tasks`);
  const client = new pg.Client({ connectionString: sourceUrl });
  await client.connect();
  await client.query(`insert into users (id, email, password_hash, task_seq)
    select gen_random_uuid(), 'user' || u || '@example.test', 'x', ${TASKS / USERS} from generate_series(1, ${USERS}) u`);
  await client.query(`insert into tasks (id, user_id, number, title, description, priority)
    select gen_random_uuid(), u.id, n, 'Task ' || n || ' of ' || u.email,
           repeat('Some words about what to do, ', 1 + n % 6), n % 5
    from (select id, email from users) u, generate_series(1, ${TASKS / USERS}) n`);
  await client.query('vacuum analyze');
  const { rows } = await client.query(`select pg_database_size(current_database()) as size`);
  await client.end();
  const databaseBytes = Number(rows[0].size);

  const file = join(folder, 'bench.todo-backup');
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  say('backing up');
  let started = performance.now();
  const written = await writeBackup(source, createWriteStream(file));
  const backupMs = performance.now() - started;
  say('restoring into another database');
  started = performance.now();
  const restored = await restoreBackup(target, createReadStream(file));
  const restoreMs = performance.now() - started;
  clearInterval(sampler);

  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, PostgreSQL at \`${new URL(base).host}\`; ` +
      `${TASKS.toLocaleString('en')} tasks of ${USERS} users, database ${mib(databaseBytes)} MiB on disk.`,
    '',
    '| step    | rows | time, s | rows/s | file, MiB | Node RSS before → peak, MiB |',
    '| ------- | ---: | ------: | -----: | --------: | --------------------------: |',
    `| backup  | ${written.rows} | ${(backupMs / 1000).toFixed(2)} | ${Math.round(written.rows / (backupMs / 1000))} | ${mib(statSync(file).size)} | ${mib(rssBefore)} → ${mib(peak)} |`,
    `| restore | ${restored.rows} | ${(restoreMs / 1000).toFixed(2)} | ${Math.round(restored.rows / (restoreMs / 1000))} | | |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeSection('backup', table);
} finally {
  await source.close();
  await target.close();
  rmSync(folder, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  for (const name of ['todo_bench_backup_source', 'todo_bench_backup_target'])
    await admin.query(`drop database ${name} with (force)`);
  await admin.end();
}
