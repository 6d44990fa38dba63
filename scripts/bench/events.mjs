#!/usr/bin/env node
// npm run bench:events — the embedded event pipeline on PostgreSQL:
//   1. throughput: events/s from written outbox rows to an acking consumer, queued in place by
//      the writer (the embedded runtime's way) and through the relay (a writer in relay mode);
//   2. latency: completing a recurring task → its next occurrence committed, p50/p99, at a
//      steady 100 completions/s, with every role running in this process;
// next to a baseline measured in the same run: a bare node-postgres INSERT round trip; then the
// same two with every role in its own process next to its own Dapr sidecar, on Redis Streams and
// on Kafka (events-dapr.mjs; BENCH_DAPR=0 skips them, BENCH_DAPR=redis runs one broker).
// BENCH_EVENTS, BENCH_COMPLETIONS and BENCH_RATE size both; BENCH_USERS only the Dapr rows.
// Loopback only, bounded in count and time. Writes the table into docs/benchmarks.md.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freshDatabase, postgresUrl, root, writeSection } from './support.mjs';
import { format } from 'prettier';
import { pino } from 'pino';
import { loadConfig } from '@todo/config';
import { createRuntime } from '@todo/cli';
import { TaskCreate, systemClock } from '@todo/domain';
import { createDatabase } from '@todo/storage';
import { DbEventBus, OutboxRelay } from '@todo/transport';
import { daprRows } from './events-dapr.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const COMPLETIONS = Number(process.env.BENCH_COMPLETIONS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const BROKERS = (process.env.BENCH_DAPR ?? 'redis,kafka').split(',').filter((b) => b === 'redis' || b === 'kafka');
const USERS = Number(process.env.BENCH_USERS ?? 1); // Dapr rows: completions spread over this many users (≤ 10)
const say = (m) => process.stderr.write(`[bench:events] ${m}\n`);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n) => n.toFixed(1);

async function baseline(url) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query('create table bench_rows (id uuid primary key, body jsonb not null)');
  const latencies = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await pool.query('insert into bench_rows values ($1, $2)', [randomUUID(), { i }]);
    latencies.push(performance.now() - t0);
  }
  await pool.end();
  return latencies.sort((a, b) => a - b);
}

/**
 * `keys` partition keys: a key's events are handled one after another, in order. `mode`: the
 * writer's outbox mode — `relay` leaves the rows to the relay, `deliver` queues them as they
 * are written (the embedded runtime's way; migration 0014).
 */
async function throughput(url, keys, mode) {
  const database = await createDatabase({ url, outboxMode: mode });
  await database.migrate();
  const bus = new DbEventBus({
    db: database.db,
    clock: systemClock,
    batchSize: 200,
    notifications: database.notifications,
  });
  const relay = new OutboxRelay({ db: database.db, bus, clock: systemClock, batchSize: 500 });
  bus.attachRelay(relay);
  let received = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  bus.subscribe('task-events', async () => (++received === EVENTS && done(), 'ack'), { name: 'bench' });
  await bus.start();
  await relay.start();
  const rows = Array.from({ length: EVENTS }, (_, i) => {
    const id = randomUUID();
    return {
      id,
      topic: 'task-events',
      type: 'todo.task.updated.v1',
      partition_key: `k${i % keys}`,
      event: {
        specversion: '1.0',
        id,
        type: 'todo.task.updated.v1',
        source: 'bench',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: {},
      },
    };
  });
  const client = new pg.Client({
    connectionString: url,
    ...(mode === 'deliver' ? { options: '-c todo.outbox_mode=deliver' } : {}),
  });
  await client.connect();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await client.query(
      `insert into outbox (id, topic, type, partition_key, event) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
      [
        chunk.map((r) => r.id),
        chunk.map((r) => r.topic),
        chunk.map((r) => r.type),
        chunk.map((r) => r.partition_key),
        chunk.map((r) => JSON.stringify(r.event)),
      ],
    );
    relay.wake();
  }
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  await relay.stop();
  await bus.stop();
  await database.close();
  return Math.round(EVENTS / seconds);
}

async function recurrenceLatency(url) {
  const config = loadConfig({
    DATABASE_URL: url,
    JWT_SECRET: 'b'.repeat(40),
    LOG_LEVEL: 'silent',
    DATA_DIR: join(root, 'data', 'bench'),
  });
  const runtime = await createRuntime(config, { logger: pino({ level: 'silent' }) });
  const committed = new Map();
  const createNext = runtime.services.recurrence.createNext.bind(runtime.services.recurrence);
  // Timestamp the moment the next occurrence's transaction has committed.
  runtime.services.recurrence.createNext = async (userId, task, ctx) => {
    const result = await createNext(userId, task, ctx);
    if (result.outcome === 'created') committed.set(task.id, performance.now());
    return result;
  };
  await runtime.start();
  const session = await runtime.services.auth.signUp({
    email: `bench-${Date.now()}@example.test`,
    password: 'benchmark password',
  });
  const principal = { userId: session.user.id, scopes: ['read', 'write'], via: 'session' };
  say(`creating ${COMPLETIONS} recurring tasks`);
  const ids = [];
  for (let i = 0; i < COMPLETIONS; i++) {
    const t = await runtime.services.tasks.create(
      { principal },
      TaskCreate.parse({ title: `r${i}`, due: { date: '2026-12-01' }, recurrence: { rule: 'daily' } }),
    );
    ids.push(t.id);
  }
  await new Promise((r) => setTimeout(r, 1000)); // let the created events drain before measuring
  say(`completing them at ${RATE}/s`);
  const started = new Map();
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    started.set(ids[i], performance.now());
    void runtime.services.tasks.complete({ principal }, ids[i]);
  }
  const deadline = performance.now() + 30_000;
  while (committed.size < ids.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const achieved = ids.length / ((performance.now() - t0) / 1000);
  const latencies = ids
    .filter((id) => committed.has(id))
    .map((id) => committed.get(id) - started.get(id))
    .sort((a, b) => a - b);
  await runtime.close();
  return { latencies, missing: ids.length - latencies.length, achieved };
}

say('provisioning PostgreSQL');
const baseUrl = postgresUrl();
say('baseline: bare INSERT round trips');
const base = await baseline(await freshDatabase(baseUrl, 'bench_events_base'));
// Events are keyed by task: many tasks with an event or two each is the usual backlog; 50 tasks
// with 100 events each is the hard case, since only the oldest pending event of a key is claimable.
const eps = {};
for (const mode of ['relay', 'deliver']) {
  say(`throughput (${mode}): ${EVENTS} events outbox → consumer, each its own key`);
  const distinct = await throughput(await freshDatabase(baseUrl, `bench_events_${mode}_tp1`), EVENTS, mode);
  say(`throughput (${mode}): ${EVENTS} events outbox → consumer, over 50 keys`);
  eps[mode] = { distinct, fifty: await throughput(await freshDatabase(baseUrl, `bench_events_${mode}_tp50`), 50, mode) };
}
say('latency: completion → next occurrence committed');
const lat = await recurrenceLatency(await freshDatabase(baseUrl, 'bench_events_lat'));

const dapr = BROKERS.length
  ? await daprRows({ baseUrl, brokers: BROKERS, events: EVENTS, completions: COMPLETIONS, rate: RATE, users: USERS, say })
  : undefined;

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores), PostgreSQL on loopback. Embedded: every role in one process.${dapr ? ` ${dapr.intro}` : ''}`,
  '',
  '| runtime | measure | result |',
  '|---|---|---:|',
  `| baseline | bare pg INSERT round trip, p50 / p99 | ${ms(pct(base, 50))} / ${ms(pct(base, 99))} ms |`,
  `| embedded | events/s, written and queued in place → acking consumer (${EVENTS} events, each its own partition key) | ${eps.deliver.distinct} |`,
  `| embedded | events/s, written and queued in place → acking consumer (${EVENTS} events over 50 partition keys) | ${eps.deliver.fifty} |`,
  `| embedded | events/s, outbox → relay → acking consumer (${EVENTS} events, each its own partition key) | ${eps.relay.distinct} |`,
  `| embedded | events/s, outbox → relay → acking consumer (${EVENTS} events over 50 partition keys) | ${eps.relay.fifty} |`,
  `| embedded | completion → next occurrence committed, p50 / p99 (${COMPLETIONS} at ${Math.round(lat.achieved)}/s) | ${ms(pct(lat.latencies, 50))} / ${ms(pct(lat.latencies, 99))} ms |`,
  ...(dapr?.rows ?? []),
  '',
  `p99 is ${Math.round(pct(lat.latencies, 99) / pct(base, 99))}× a bare INSERT's p99 (the path is: complete → its event queued by the same statement → recurring handler → new task + its event, committed). Goal: p99 < 50 ms at 100 completions/s. Missing occurrences: ${lat.missing}.`,
  ...(dapr ? ['', dapr.notes] : []),
].join('\n');

const formatted = (await format(table, { parser: 'markdown', printWidth: 130 })).trimEnd();
writeSection('events', `\n${formatted}\n`); // blank lines around the table, as prettier wants them
process.stdout.write(`${formatted}\n`);
