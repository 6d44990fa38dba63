#!/usr/bin/env node
// npm run bench:overload — what the server does when asked for more than it can serve. First
// the sustainable rate of a task-list read (closed loop, few connections); then ~4× that rate,
// open loop, from many connections. Prints the share of requests shed with 503, how soon they
// were told (a shed request's latency, and when the first 503 came after the load began), the
// p99 of the requests that were served, and the longest any request waited.
// Loopback only; every load stops by itself (BENCH_SECONDS each). Goals: excess answered 503
// within 1 s, served p99 < 250 ms, no wait > 5 s.
import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuMsOf, fetchRetrying, freshDatabase, postgresUrl, startTodo } from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FACTOR = Number(process.env.BENCH_OVERLOAD_FACTOR ?? 4);
const CONNECTIONS = Number(process.env.BENCH_OVERLOAD_CONNECTIONS ?? 400);
const say = (m) => process.stderr.write(`[bench:overload] ${m}\n`);

async function json(url, method, body, token) {
  const res = await fetchRetrying(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Runs autocannon, recording every response: when it came (ms since start), its status, its latency. */
function run(opts) {
  return new Promise((resolve, reject) => {
    const responses = [];
    const opened = new Set();
    // The load generator's own event loop: its stalls are in every latency it reports (a
    // request is timed from when autocannon makes it, before its connection has even opened).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const instance = autocannon({ duration: SECONDS, timeout: 30, ...opts }, (err, result) => {
      loop.disable();
      return err ? reject(err) : resolve({ result, responses, clientLoopMaxMs: loop.max / 1e6 });
    });
    instance.on('response', (client, status, _bytes, latency) => {
      // The first answer on each connection: its time includes opening it and waiting to be accepted.
      const first = !opened.has(client);
      if (first) opened.add(client);
      responses.push({ at: performance.now() - started, status, latency, first });
    });
  });
}

const percentile = (values, p) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (n) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '–');

say('provisioning PostgreSQL');
const databaseUrl = await freshDatabase(postgresUrl(), 'bench_overload');
const { child, url } = await startTodo({ DATABASE_URL: databaseUrl, LIST_CACHE_MB: '0' });
say(`server at ${url} (pid ${child.pid})`);
try {
  const { token } = await json(`${url}/api/auth/signup`, 'POST', {
    email: `overload-${Date.now()}@example.test`,
    password: 'benchmark password',
  });
  say('seeding 200 tasks');
  for (let i = 0; i < 200; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => json(`${url}/api/tasks`, 'POST', { title: `Task ${i + j}` }, token)));
  }
  // Read anew every time (page cache off): each request costs a database round trip.
  const target = { url: `${url}/api/tasks?limit=50`, headers: { authorization: `Bearer ${token}` } };

  say(`sustainable rate: closed loop, 8 connections, ${SECONDS} s`);
  const base = await run({ ...target, connections: 8 });
  const sustainable = Math.round(base.result.requests.average);
  const baseP99 = base.result.latency.p99;
  say(`sustainable ≈ ${sustainable} req/s (p99 ${baseP99} ms)`);

  const rate = FACTOR * sustainable;
  say(`overload: ${rate} req/s offered (${FACTOR}×) from ${CONNECTIONS} connections, ${SECONDS} s`);
  const cpuBefore = cpuMsOf(child.pid);
  const { result, responses, clientLoopMaxMs } = await run({ ...target, connections: CONNECTIONS, overallRate: rate });
  const serverCpuMs = cpuMsOf(child.pid) - cpuBefore;
  const served = responses.filter((r) => r.status < 400);
  const shed = responses.filter((r) => r.status === 503);
  const other = responses.length - served.length - shed.length;
  const firstShed = shed.length ? Math.min(...shed.map((r) => r.at)) : NaN;
  // The first second also measures opening CONNECTIONS sockets at once (the load generator
  // opening them, the server taking them in): the p99 after it is reported as well, and the
  // first answer on each connection apart.
  const settled = served.filter((r) => r.at - r.latency >= 1000);
  const firsts = responses.filter((r) => r.first).map((r) => r.latency);
  const report = {
    cores: cpus().length,
    sustainableRps: sustainable,
    sustainableP99Ms: baseP99,
    offeredRps: rate,
    answered: responses.length,
    answeredRps: Math.round(responses.length / SECONDS),
    servedRps: Math.round(served.length / SECONDS),
    shedShare: responses.length ? shed.length / responses.length : 0,
    firstShedAfterMs: firstShed,
    shedP99Ms: percentile(
      shed.map((r) => r.latency),
      99,
    ),
    shedMaxMs: shed.length ? Math.max(...shed.map((r) => r.latency)) : NaN,
    servedP99Ms: percentile(
      served.map((r) => r.latency),
      99,
    ),
    servedSettledP99Ms: percentile(
      settled.map((r) => r.latency),
      99,
    ),
    maxWaitMs: responses.length ? Math.max(...responses.map((r) => r.latency)) : NaN,
    firstOnConnectionP99Ms: percentile(firsts, 99),
    firstOnConnectionMaxMs: firsts.length ? Math.max(...firsts) : NaN,
    clientLoopMaxMs: Math.round(clientLoopMaxMs),
    serverCpuMs,
    otherErrors: other,
    timeouts: result.timeouts,
    socketErrors: result.errors,
  };
  const ok = (cond) => (cond ? 'ok' : 'MISSED');
  const lines = [
    `machine: ${report.cores} cores (shared: other work on it skews every number)`,
    `sustainable rate: ${report.sustainableRps} req/s (closed loop, 8 connections; p99 ${ms(report.sustainableP99Ms)})`,
    `offered: ${report.offeredRps} req/s (${FACTOR}×) from ${CONNECTIONS} connections for ${SECONDS} s; answered ${report.answeredRps} req/s, served ${report.servedRps} req/s`,
    `503 share: ${(100 * report.shedShare).toFixed(1)} % of ${report.answered} answers (other errors: ${report.otherErrors}, timeouts: ${report.timeouts}, socket errors: ${report.socketErrors})`,
    `server CPU: ${report.serverCpuMs} ms in ${SECONDS} s (all roles of the process), ${Math.round((1000 * report.serverCpuMs) / Math.max(1, report.answered))} µs per answer`,
    `time to 503: first after ${ms(report.firstShedAfterMs)} of load; a shed request waited p99 ${ms(report.shedP99Ms)}, max ${ms(report.shedMaxMs)} — ${ok(report.shedMaxMs < 1000)} (goal < 1 s)`,
    `served p99: ${ms(report.servedP99Ms)} — ${ok(report.servedP99Ms < 250)} (goal < 250 ms); of requests sent after the first second: ${ms(report.servedSettledP99Ms)}`,
    `max wait: ${ms(report.maxWaitMs)} — ${ok(report.maxWaitMs < 5000 && !report.timeouts)} (goal < 5 s)`,
    `first answer on each new connection: p99 ${ms(report.firstOnConnectionP99Ms)}, max ${ms(report.firstOnConnectionMaxMs)}; load generator's event loop held up to ${ms(report.clientLoopMaxMs)} (in every time above)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  child.kill('SIGTERM');
}
