#!/usr/bin/env node
// npm run bench:import — issue #25's goal: 10,000 Todoist tasks imported in < 60 s while the
// server goes on serving another user, whose task lists stay < 100 ms at p99. One `todo start`
// on a fresh database of the test PostgreSQL (durable for the run), list cache off (every list
// is read anew). The other user lists in a closed loop of 2 connections before the import
// (baseline) and during it; the file is built with the test fixtures' seeded generator. Writes
// the table into docs/benchmarks.md with the machine's load average.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { todoistCsv } from '@todo/testing';
import { durable, fetchRetrying, freshDatabase, postgresUrl, root, startTodo, writeSection } from './support.mjs';

const TASKS = Number(process.env.BENCH_IMPORT_TASKS ?? 10_000);
const BASELINE_MS = 8_000;
const READERS = 2;
const say = (m) => process.stderr.write(`[bench:import] ${m}\n`);

async function json(url, method, token, body, headers = {}) {
  const res = await fetchRetrying(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Lists in a closed loop until `until()` is true; the latency of each list in ms (`shed`: how many were answered 503). */
async function listLoop(url, token, until) {
  const latencies = [];
  latencies.shed = 0;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (!until()) {
        const start = performance.now();
        const res = await fetch(`${url}/api/tasks?limit=50`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (res.status === 503) latencies.shed++;
        else if (res.status !== 200) throw new Error(`list: ${res.status}`);
        else latencies.push(performance.now() - start);
      }
    }),
  );
  const shed = latencies.shed;
  return Object.assign(
    latencies.sort((a, b) => a - b),
    { shed },
  );
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n) => `${n.toFixed(1)} ms`;

const baseUrl = postgresUrl();
const restore = await durable(baseUrl);
const databaseUrl = await freshDatabase(baseUrl, 'bench_import');
const { child, url } = await startTodo({ DATABASE_URL: databaseUrl, LIST_CACHE_MB: '0' });
try {
  const importer = await json(`${url}/api/auth/signup`, 'POST', null, {
    email: 'importer@example.test',
    password: 'benchmark password',
    timeZone: 'Europe/Berlin',
  });
  execFileSync(
    process.execPath,
    [join(root, 'apps/cli/dist/main.js'), 'user', 'create', '--email', 'reader@example.test', '--password', 'benchmark password'],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    },
  );
  const reader = await json(`${url}/api/auth/login`, 'POST', null, {
    email: 'reader@example.test',
    password: 'benchmark password',
  });
  for (let i = 0; i < 200; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        json(`${url}/api/tasks`, 'POST', reader.token, { title: `Reader task ${i + j}`, tags: [`t${j % 5}`] }),
      ),
    );
  }
  const fixture = todoistCsv(TASKS, 2026);
  say(`file: ${fixture.tasks} tasks, ${fixture.sections} sections, ${(fixture.csv.length / 1024 / 1024).toFixed(1)} MB`);

  const baselineEnd = performance.now() + BASELINE_MS;
  const baseline = await listLoop(url, reader.token, () => performance.now() > baselineEnd);
  say(`baseline: ${baseline.length} lists, p99 ${ms(pct(baseline, 99))}`);

  let done = false;
  const during = listLoop(url, reader.token, () => done);
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  const started = performance.now();
  const report = await json(`${url}/api/imports?name=Bench.csv`, 'POST', importer.token, fixture.csv, {
    'content-type': 'text/csv',
  });
  const importMs = performance.now() - started;
  done = true;
  const lists = await during;
  say(
    `import: ${report.tasks} tasks in ${(importMs / 1000).toFixed(1)} s; lists meanwhile: ${lists.length}, p99 ${ms(pct(lists, 99))}`,
  );
  const again = performance.now();
  const second = await json(`${url}/api/imports?name=Bench.csv`, 'POST', importer.token, fixture.csv, {
    'content-type': 'text/csv',
  });
  const againMs = performance.now() - again;

  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)}; load average at the import's start ${load} (2 cores, shared with other work).`,
    '',
    '| what | result | goal |',
    '| --- | --- | --- |',
    `| import ${report.tasks} Todoist tasks (${fixture.sections} sections, sub-tasks, labels, recurring dates) | ${(importMs / 1000).toFixed(1)} s (${Math.round(report.tasks / (importMs / 1000))} tasks/s) | < 60 s |`,
    `| the same file again (all ${second.duplicates} duplicates, 0 created) | ${(againMs / 1000).toFixed(1)} s | |`,
    `| another user's lists before the import: p50 / p99 (${baseline.length} lists, ${baseline.shed} shed) | ${ms(pct(baseline, 50))} / ${ms(pct(baseline, 99))} | |`,
    `| another user's lists during it: p50 / p99 (${lists.length} lists, ${lists.shed} shed) | ${ms(pct(lists, 50))} / ${ms(pct(lists, 99))} | p99 < 100 ms |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeSection('import', table);
} finally {
  child.kill('SIGTERM');
  await restore();
}
