#!/usr/bin/env node
// npm run bench:embedded — what `npm start` costs a laptop: memory of the whole process tree
// (the app and the PostgreSQL server it starts under DATA_DIR), summed RSS and PSS, while
// starting, idle and under load (creates, then the list and search reads bench:api measures),
// with a breakdown by kind of process; the size of a brand-new data folder; cold start and restart to `/healthz` 200;
// create req/s; and a kill -9 loop (writers keep creating while the app is killed and
// restarted: every acknowledged task must be there afterwards). Two variants of the same app:
//   todo start        — Node's default heap settings
//   npm start         — Node's young generation capped (--max-semi-space-size=2), as `npm start`
//                       runs it: V8 otherwise keeps the heap it grew while starting
// Loopback only; every load is bounded in time; random kill moments come from a fixed seed.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import { startTodo, writeSection } from './support.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);
const say = (m) => process.stderr.write(`[bench:embedded] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = (kb) => (kb / 1024).toFixed(0);

/**
 * What a process of the tree is: the app (node), the database server's postmaster, one of its
 * auxiliary processes (checkpointer, walwriter, …) or a backend serving one connection.
 */
function kindOf(pid) {
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  if (/\bnode\b/.test(command.split(' ')[0])) return 'node';
  if (/\/bin\/postgres /.test(command)) return 'postmaster';
  const role = /^postgres: (.*)$/.exec(command.trim())?.[1] ?? command.slice(0, 40);
  return /\[local\]|idle|SELECT|INSERT|UPDATE|DELETE/.test(role) ? 'backend (one per connection)' : role;
}

/** Resident and proportional memory (kB) of `pids` and all their descendants, in all and by kind of process. */
function treeMemory(pids, { descendants = true } = {}) {
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
  const kinds = new Map();
  const todo = pids.filter(Boolean);
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    if (descendants) todo.push(...(children.get(pid) ?? []));
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const m = { rss: Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0), pss: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) };
      rss += m.rss;
      pss += m.pss;
      const kind = kindOf(pid);
      const sum = kinds.get(kind) ?? { count: 0, rss: 0, pss: 0 };
      kinds.set(kind, { count: sum.count + 1, rss: sum.rss + m.rss, pss: sum.pss + m.pss });
    } catch {
      // the process ended meanwhile
    }
  }
  return { rss, pss, kinds };
}

/** Samples treeMemory every 50 ms until stopped; returns the peak. */
function peakSampler(pidsOf) {
  let peak = { rss: 0, pss: 0, kinds: new Map() };
  const timer = setInterval(() => {
    const m = treeMemory(pidsOf());
    // The breakdown is the one of the sample with the highest summed RSS.
    peak = { rss: Math.max(peak.rss, m.rss), pss: Math.max(peak.pss, m.pss), kinds: m.rss >= peak.rss ? m.kinds : peak.kinds };
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
  return { rps: Math.round(r.requests.average), errors: r.errors + r.non2xx, token: signup.token };
}

/** The reads `bench:api` measures, on the tasks the create load left: a page of the list, then a search. */
async function readLoad(url, token) {
  const headers = { authorization: `Bearer ${token}` };
  const list = await load({ url: `${url}/api/tasks?limit=50`, headers });
  const search = await load({ url: `${url}/api/tasks?q=bench&limit=50`, headers });
  return { errors: list.errors + list.non2xx + search.errors + search.non2xx };
}

async function measure(name) {
  const dataDir = freshFolder(name);
  const env = { DATA_DIR: dataDir, ...VARIANTS[name] };
  let app;
  let starting;
  // The database server is a child of the app: the tree below the app holds both.
  const pids = () => [app?.child.pid ?? starting?.pid];
  const watched = (child) => (starting = child);

  say(`${name}: cold start on an empty data folder`);
  let stopPeak = peakSampler(pids);
  let t0 = performance.now();
  app = await startTodo({ LOG_FORMAT: 'json', ...env }, watched);
  await healthy(app.url);
  const cold = performance.now() - t0;
  const startPeak = stopPeak();
  await sleep(IDLE_SECONDS * 1000);
  const idle = treeMemory(pids());
  const idleApp = treeMemory([app.child.pid], { descendants: false });
  if (process.env.BENCH_DEBUG)
    say(
      readFileSync(`/proc/${app.child.pid}/status`, 'utf8')
        .split('\n')
        .filter((l) => /^(VmRSS|RssAnon|RssFile|Threads)/.test(l))
        .join(' '),
    );
  await stopApp(app.child);
  const freshKb = duKb(dataDir);

  say(`${name}: restart`);
  t0 = performance.now();
  app = await startTodo({ LOG_FORMAT: 'json', ...env }, watched);
  await healthy(app.url);
  const restart = performance.now() - t0;

  say(`${name}: create, list and search load (${CONNECTIONS} connections, ${DURATION} s each)`);
  stopPeak = peakSampler(pids);
  const create = await createLoad(app.url);
  const reads = await readLoad(app.url, create.token);
  const loadPeak = stopPeak();
  await stopApp(app.child);
  return { name, cold, restart, idle, idleApp, startPeak, loadPeak, freshKb, create, readErrors: reads.errors };
}

const VARIANTS = {
  'todo start': {},
  'npm start': { NODE_OPTIONS: '--max-semi-space-size=2' },
};

function freshFolder(name) {
  const dir = mkdtempSync(join(tmpdir(), `todo-bench-${name.replace(/\W+/g, '-')}-`));
  // As root the database runs as an unprivileged account, which must be able to enter it.
  chmodSync(dir, 0o755);
  return dir;
}

/** A small seeded generator (mulberry32): the same kill moments on every run. */
function seeded(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * KILLS times: WRITERS clients create tasks as fast as they are answered; after 0.5–1.5 s the app
 * is killed with SIGKILL (its database server too gets no warning: it is stopped by the next
 * start) and started again. Afterwards every task whose create was acknowledged (201) must exist.
 */
async function killLoop({ kills = 10, writers = 10 } = {}) {
  const random = seeded(20261207);
  const dataDir = freshFolder('kill-loop');
  const port = String(56000 + Math.floor(random() * 1000));
  const env = { DATA_DIR: dataDir, PORT: port, LOG_FORMAT: 'json', ...VARIANTS['npm start'] };
  let app = await startTodo(env);
  await healthy(app.url);
  const url = app.url;
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'kill-loop@example.test', password: 'benchmark password' }),
  }).then((r) => r.json());
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${signup.token}` };
  const acknowledged = new Set();
  let failed = 0;
  let running = true;
  const writer = async () => {
    while (running) {
      try {
        const res = await fetch(`${url}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: 'Kill loop' }) });
        if (res.status === 201) acknowledged.add((await res.json()).id);
        else {
          await res.arrayBuffer();
          failed++;
        }
      } catch {
        failed++;
        await sleep(20);
      }
    }
  };
  const writing = Array.from({ length: writers }, writer);
  const restarts = [];
  for (let i = 0; i < kills; i++) {
    await sleep(500 + random() * 1000);
    const exited = new Promise((resolve) => app.child.on('exit', resolve));
    app.child.kill('SIGKILL');
    await exited;
    const t0 = performance.now();
    app = await startTodo(env);
    await healthy(app.url);
    restarts.push(performance.now() - t0);
    say(`kill loop: ${i + 1}/${kills}, restart ${(restarts.at(-1) / 1000).toFixed(2)} s, ${acknowledged.size} acknowledged`);
  }
  running = false;
  await Promise.all(writing);
  const present = new Set();
  for (let cursor = ''; ;) {
    const page = await fetch(`${url}/api/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers,
    }).then((r) => r.json());
    page.items.forEach((task) => present.add(task.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  await stopApp(app.child);
  const lost = [...acknowledged].filter((id) => !present.has(id)).length;
  return { kills, writers, acknowledged: acknowledged.size, failed, lost, restartMax: Math.max(...restarts), restarts };
}

const results = [];
for (const name of (process.env.BENCH_VARIANTS ?? Object.keys(VARIANTS).join(',')).split(',')) results.push(await measure(name));
const kill = process.env.BENCH_KILLS === '0' ? undefined : await killLoop({ kills: Number(process.env.BENCH_KILLS ?? 10) });

const row = (r) =>
  `| ${r.name} | ${MiB(r.idle.rss)} (${MiB(r.idle.pss)}) | ${MiB(r.idleApp.rss)} (${MiB(r.idleApp.pss)}) | ${MiB(r.startPeak.rss)} (${MiB(r.startPeak.pss)}) | ${MiB(r.loadPeak.rss)} (${MiB(r.loadPeak.pss)}) | ${(r.freshKb / 1024).toFixed(1)} | ${(r.cold / 1000).toFixed(2)} | ${(r.restart / 1000).toFixed(2)} | ${r.create.rps}${r.create.errors ? ` (${r.create.errors} errors)` : ''} |`;

/** Where the memory of `npm start`'s tree is, by kind of process: idle, and in the sample of highest summed RSS under load. */
function breakdown(r) {
  const kinds = [...new Set([...r.idle.kinds.keys(), ...r.loadPeak.kinds.keys()])];
  const cell = (m) => (m ? `${m.count > 1 ? `${m.count} × ` : ''}${MiB(m.rss)} (${MiB(m.pss)})` : '—');
  return [
    `| process (${r.name}) | idle | at the peak under load |`,
    '|---|---:|---:|',
    ...kinds.map((kind) => `| ${kind} | ${cell(r.idle.kinds.get(kind))} | ${cell(r.loadPeak.kinds.get(kind))} |`),
    `| **summed** | **${MiB(r.idle.rss)} (${MiB(r.idle.pss)})** | **${MiB(r.loadPeak.rss)} (${MiB(r.loadPeak.pss)})** |`,
  ];
}

const goal = (kb, limit) => `${MiB(kb)} ${kb / 1024 < limit ? '<' : '≥'} ${limit}`;
const shipped = results.find((r) => r.name === 'npm start') ?? results.at(-1);
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end (2 cores), ${CONNECTIONS} connections × ${DURATION} s per load; memory of the whole process tree, summed RSS (PSS) in MiB. The load is creates, then list and search reads.`,
  '',
  '| variant | idle | of which the Node process | peak while starting | peak under load | fresh data folder, MB | cold start, s | restart, s | create req/s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(row),
  '',
  ...breakdown(shipped),
  '',
  `Goals (${shipped.name}), summed RSS: idle ${goal(shipped.idle.rss, 150)}, peak while starting ${goal(shipped.startPeak.rss, 250)}, ` +
    `under load ${goal(shipped.loadPeak.rss, 250)}; PSS: idle ${goal(shipped.idle.pss, 150)}, peaks ${goal(shipped.startPeak.pss, 250)} and ${goal(shipped.loadPeak.pss, 250)}.` +
    (shipped.readErrors ? ` Reads answered with an error: ${shipped.readErrors}.` : ''),
  ...(kill
    ? [
        '',
        `Kill -9 loop (npm start): ${kill.kills} kills under ${kill.writers} concurrent writers; ${kill.acknowledged} creates acknowledged, ` +
          `**${kill.lost} lost**; restart to /healthz 200 after a kill: median ${(kill.restarts.sort((a, b) => a - b)[kill.restarts.length >> 1] / 1000).toFixed(2)} s, ` +
          `max ${(kill.restartMax / 1000).toFixed(2)} s (requests refused while down: ${kill.failed}).`,
      ]
    : []),
].join('\n');
process.stdout.write(`${table}\n`);
if (process.env.BENCH_WRITE !== '0') writeSection('embedded', table);
