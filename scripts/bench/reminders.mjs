#!/usr/bin/env node
// npm run bench:reminders — a reminder storm in the embedded runtime: `todo start` as `npm start`
// runs it (every role in one process, its own PostgreSQL under DATA_DIR), N users each with one
// task whose reminder is due at the same instant (or spread over --spread seconds), and a real
// SMTP server on loopback that notes when each mail arrives. Prints p50/p99/max lateness of the
// in-app notifications (their `created_at` in the database) and of the emails (arrival at the
// SMTP server), duplicates, missing, and CPU per reminder (the app and its PostgreSQL).
//
//   npm run bench:reminders -- -n 10000              the 09:00 cluster: 10,000 due at one instant
//   npm run bench:reminders -- -n 10000 --spread 60  the same, spread evenly over one minute
//   npm run bench:reminders -- -n 300 --spread 30    single reminders at 10/s, the exactness check
//   --write NAME   also writes the table between <!-- bench:NAME:start/end --> in docs/benchmarks.md
//
// Seeding is bulk SQL on the embedded server's socket: users, tasks, reminders and the reminder
// jobs (the rows the notifier writes when a task with a reminder is created), 10,000 in about
// a second. Loopback only; stops by itself (at most --timeout seconds after the last due time).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSmtpCapture } from '@todo/testing';
import { startTodo, writeSection } from './support.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', short: 'n', default: '1000' },
    spread: { type: 'string', default: '0' },
    lead: { type: 'string', default: '4' },
    timeout: { type: 'string', default: '180' },
    write: { type: 'string' },
  },
});
const N = Number(args.n);
const SPREAD_MS = Number(args.spread) * 1000;
const say = (m) => process.stderr.write(`[bench:reminders] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** User + system CPU (ms) of `pid` and all its descendants: the app and the PostgreSQL it started. */
function treeCpuMs(root, { descendants = true } = {}) {
  const children = new Map();
  const cpu = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    total += cpu.get(pid) ?? 0;
    if (descendants) todo.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Where the embedded server's socket is: its own folder, or a short one under /tmp for a long path (embedded-server.ts). */
function socketDirOf(dataDir) {
  const own = join(dataDir, 'postgres');
  return own.length <= 90 ? own : join('/tmp', `todo-pg-${Buffer.from(own).toString('base64url').slice(-24)}`);
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** users, tasks, absolute reminders and their jobs in one statement; returns the first due instant. */
async function seed(db, firstDue) {
  await db.query(
    `with u as (
       insert into users (id, email, password_hash, name, task_seq)
       select gen_random_uuid(), 'storm' || i || '@bench.test', 'not-a-hash', 'Storm ' || i, 1 from generate_series(1, $1::int) i
       returning id),
     t as (
       insert into tasks (id, user_id, number, title)
       select gen_random_uuid(), id, 1, 'Daily stand-up' from u returning id, user_id),
     r as (
       insert into reminders (id, task_id, kind, at, position)
       select gen_random_uuid(), id, 'absolute',
              $2::timestamptz + (((row_number() over ()) - 1) * $3::float8 / $1::int) * interval '1 millisecond', 0
       from t returning id, task_id, at)
     insert into jobs (name, due_at, data)
     select 'reminder-' || r.id, r.at,
            jsonb_build_object('userId', t.user_id, 'taskId', t.id, 'reminderId', r.id,
                               'fireAt', to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
     from r join t on t.id = r.task_id`,
    [N, firstDue.toISOString(), SPREAD_MS],
  );
}

const dataDir = mkdtempSync(join(tmpdir(), 'rb-'));
const smtp = await startSmtpCapture();
let app;
try {
  say(`N=${N}, spread ${SPREAD_MS / 1000}s; starting todo (embedded) in ${dataDir}`);
  app = await startTodo({ DATA_DIR: dataDir, SMTP_URL: smtp.url, LOG_LEVEL: 'warn' });
  // Warnings and errors of the app (LOG_LEVEL=warn) go to this stderr.
  app.child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  app.child.on('exit', (code, signal) => say(`the app exited (${code ?? signal})`));
  const socketDir = socketDirOf(dataDir);
  const db = new pg.Client({ connectionString: `postgres://todo@${encodeURIComponent(socketDir)}/postgres` });
  // A lost connection (the server stopped under us) fails the run through the query that meets it.
  db.on('error', (err) => say(`database connection lost: ${err.message}`));
  await db.connect();

  const seedStart = performance.now();
  const firstDue = new Date(Math.ceil((Date.now() + Number(args.lead) * 1000) / 1000) * 1000);
  await seed(db, firstDue);
  await db.query('analyze users, tasks, reminders, jobs');
  const seedMs = performance.now() - seedStart;
  say(`seeded ${N} users, tasks, reminders and jobs in ${seedMs.toFixed(0)} ms; first due ${firstDue.toISOString()}`);
  if (Date.now() > firstDue.getTime() - 500) throw new Error('seeding took longer than --lead; raise it');

  await sleep(firstDue.getTime() - Date.now() - 300);
  const commits = async () =>
    Number((await db.query(`select xact_commit from pg_stat_database where datname = current_database()`)).rows[0].xact_commit);
  const commitsBefore = await commits();
  const cpuBefore = treeCpuMs(app.child.pid);
  const nodeCpuBefore = treeCpuMs(app.child.pid, { descendants: false });
  const load = loadavg().map((l) => l.toFixed(2));
  const deadline = firstDue.getTime() + SPREAD_MS + Number(args.timeout) * 1000;
  // Cheap polls (a count, and the capture's length), so that watching costs the app little CPU.
  let doneAt = 0;
  for (;;) {
    const { rows } = await db.query('select count(*)::int as n from notifications');
    if ((rows[0].n >= N && smtp.messages.length >= N) || Date.now() > deadline) {
      doneAt = Date.now();
      break;
    }
    await sleep(500);
  }
  const cpuMs = treeCpuMs(app.child.pid) - cpuBefore;
  const nodeCpuMs = treeCpuMs(app.child.pid, { descendants: false }) - nodeCpuBefore;
  // Includes the polls of the loop above: two a second.
  const commitsPerReminder = (await commits()) - commitsBefore;
  const { rows: notes } = await db.query(
    `select reminder_id as "reminderId", fire_at as "fireAt", created_at as "createdAt" from notifications`,
  );
  const { rows: emitted } = await db.query(`select fire_at as "fireAt", emitted_at as "emittedAt" from reminder_emissions`);
  await db.end();

  const inApp = notes.map((n) => new Date(n.createdAt).getTime() - new Date(n.fireAt).getTime());
  const byKey = new Map();
  for (const m of smtp.messages) {
    const key = String(m.headers.get('x-todo-reminder'));
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  const emails = [...byKey].map(([key, [first]]) => {
    const fireAt = key.slice('reminder:'.length + 37);
    return first.receivedAt.getTime() - new Date(fireAt).getTime();
  });
  const inAppKeys = new Set(notes.map((n) => `${n.reminderId}:${new Date(n.fireAt).toISOString()}`));
  const emittedLateness = emitted.map((e) => new Date(e.emittedAt).getTime() - new Date(e.fireAt).getTime());
  const result = {
    emitted: { ...percentiles(emittedLateness), duplicates: '–', missing: N - emitted.length },
    inApp: { ...percentiles(inApp), duplicates: notes.length - inAppKeys.size, missing: N - inAppKeys.size },
    email: { ...percentiles(emails), duplicates: smtp.messages.length - byKey.size, missing: N - byKey.size },
    cpuMsPerReminder: cpuMs / N,
    nodeCpuMsPerReminder: nodeCpuMs / N,
    commitsPerReminder: commitsPerReminder / N,
    wallSeconds: (doneAt - firstDue.getTime()) / 1000,
    load,
  };
  const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)}` : '–');
  const row = (what, r) =>
    `| ${what.padEnd(6)} | ${ms(r.p50).padStart(6)} | ${ms(r.p99).padStart(6)} | ${ms(r.max).padStart(6)} | ${String(r.duplicates).padStart(10)} | ${String(r.missing).padStart(7)} |`;
  const table = [
    `N = ${N} reminders ${SPREAD_MS ? `spread evenly over ${SPREAD_MS / 1000} s` : 'due at the same instant'}; embedded runtime, one process, its own PostgreSQL; load average at the first due time ${load.join(' / ')} (shared 2-core machine).`,
    '',
    '| effect | p50 ms | p99 ms | max ms | duplicates | missing |',
    '| ------ | -----: | -----: | -----: | ---------: | ------: |',
    row('event', result.emitted),
    row('in-app', result.inApp),
    row('email', result.email),
    '',
    `CPU (app + its PostgreSQL) ${result.cpuMsPerReminder.toFixed(2)} ms per reminder, of which the app's Node process ${result.nodeCpuMsPerReminder.toFixed(2)} ms; ${result.commitsPerReminder.toFixed(1)} PostgreSQL transactions per reminder; _event_: \`todo.reminder.due.v1\` emitted (\`reminder_emissions.emitted_at\`); all effects in ${result.wallSeconds.toFixed(1)} s after the first due time; seeding ${(seedMs / 1000).toFixed(1)} s.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (args.write) writeSection(args.write, table);
} finally {
  if (app) await new Promise((resolve) => (app.child.on('exit', resolve), app.child.kill('SIGTERM')));
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
}
