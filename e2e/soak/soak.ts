/**
 * Issue #26, item 3: the replica chaos soak. The Dapr runtime with replicas per role, a real
 * SMTP server, a seeded mixed workload over the REST API and a seeded chaos loop; then the load
 * stops, the effects settle (bounded), and the verdict is read by SQL and from the SMTP server.
 * Used by `npm run soak` (long, the issue's replica counts) and e2e/dapr-soak.test.ts (short).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { createPostgresDatabase, startSmtpCapture } from '@todo/testing';
import { requireEnv, sleep, type Broker } from '../../packages/transport/test/dapr.sidecar.js';
import { signUp } from '../support/accounts.js';
import { roleEnv } from '../support/roles.js';
import { runChaos, type ChaosRecord } from './chaos.js';
import { writeDiagnosis } from './diagnose.js';
import { ROLES, startCluster, type Replicas } from './cluster.js';
import { Random } from './random.js';
import { inspect, settled, type Facts } from './verify.js';
import { emptyLedger, Workload, type Ledger } from './workload.js';

export interface SoakOptions {
  broker: Broker;
  /** How long the load and the chaos run. */
  loadMs: number;
  seed: number;
  replicas: Replicas;
  opsPerSecond: number;
  chaosIntervalMs: [number, number];
  /** The bound on waiting for the effects to arrive after the load stops. */
  quiesceMs: number;
  log: (line: string) => void;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log'>;
  faults: ChaosRecord[];
  ledger: Ledger;
  facts: Facts;
  /** Seconds from the end of the load until everything owed had arrived (or the bound). */
  quiescedAfter: number;
  load: { start: number; max: number; end: number };
  setupSeconds: number;
}

const USERS = 3;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  for (const name of ['DAPRD_BIN', 'DAPR_SCHEDULER_ADDR', 'TEST_DATABASE_URL'] as const) requireEnv(name);
  const tSetup = Date.now();
  const load = { start: loadavg()[0]!, max: loadavg()[0]!, end: 0 };
  const random = new Random(options.seed);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const smtp = await startSmtpCapture();
    cleanup.push(() => smtp.close());
    const db = await createPostgresDatabase('todo_soak');
    cleanup.push(() => db.drop());
    // Reconciliations (lost job triggers, lost deliveries; docs/operations.md) look every 5 s for what is 20 s overdue.
    const env = {
      ...roleEnv(db.url, smtp.url),
      REMINDER_RECONCILE_EVERY_MS: '5000',
      REMINDER_RECONCILE_GRACE_MS: '20000',
      RECURRENCE_RECONCILE_EVERY_MS: '5000',
      RECURRENCE_RECONCILE_GRACE_MS: '20000',
    };
    const counts = ROLES.map((r) => `${options.replicas[r]} ${r}`).join(', ');
    log(`[soak] ${options.broker}: starting ${counts}, each with its own daprd (seed ${options.seed})`);
    const cluster = await startCluster(options.broker, options.replicas, env);
    cleanup.push(() => cluster.stop());
    const users = [];
    for (let i = 0; i < USERS; i++) {
      const email = `soak-${options.broker}-${i}@example.test`;
      users.push({ email, ...(await signUp(cluster.api[0]!.url, { email, password: 'correct horse battery' }, smtp)) });
    }
    const setupSeconds = (Date.now() - tSetup) / 1000;
    log(`[soak] ${cluster.replicas.length} replicas up in ${setupSeconds.toFixed(0)} s; load for ${options.loadMs / 1000} s`);

    const t0 = Date.now();
    const ledger = emptyLedger();
    const workload = new Workload(
      cluster.api,
      users,
      random,
      {
        opsPerSecond: options.opsPerSecond,
        maxInFlight: 8,
        lastFireAt: t0 + options.loadMs - 5_000,
      },
      ledger,
    );
    const working = workload.run();
    const chaos = runChaos(
      cluster,
      random,
      { intervalMs: options.chaosIntervalMs, brokerAtMs: options.loadMs / 2, durationMs: options.loadMs },
      log,
      t0,
    );
    const progress = setInterval(() => {
      load.max = Math.max(load.max, loadavg()[0]!);
      void progressLine(db.url, smtp.messages.length, ledger, chaos.records.length, t0).then(log, () => undefined);
    }, 60_000);
    try {
      await sleep(options.loadMs);
      workload.stop();
      chaos.stop();
      await Promise.all([working, chaos.done]);
    } finally {
      clearInterval(progress);
    }
    const tLoadEnd = Date.now();
    log(
      `[soak] load stopped at ${((tLoadEnd - t0) / 1000).toFixed(0)} s; waiting up to ${options.quiesceMs / 1000} s for the effects`,
    );

    const cutoff = new Date(tLoadEnd);
    let facts = await inspect(db.url, smtp, ledger, cutoff);
    while (!settled(facts) && Date.now() - tLoadEnd < options.quiesceMs) {
      await sleep(3_000);
      load.max = Math.max(load.max, loadavg()[0]!);
      facts = await inspect(db.url, smtp, ledger, cutoff);
    }
    const quiescedAfter = (Date.now() - tLoadEnd) / 1000;
    log(`[soak] ${settled(facts) ? 'quiescent' : 'NOT quiescent'} after ${quiescedAfter.toFixed(0)} s`);
    // Redeliveries still under way would show up as duplicates: give them time (Redis reclaims after 5 s + 2 s).
    await sleep(10_000);
    facts = await inspect(db.url, smtp, ledger, cutoff);
    load.end = loadavg()[0]!;
    if (facts.violations.length) {
      const dir = await writeDiagnosis(cluster, db.url, facts.violations, chaos.records, t0);
      log(`[soak] logs, timeline and the rows of what was lost or duplicated: ${dir}`);
    }
    return { options: strip(options), faults: chaos.records, ledger, facts, quiescedAfter, load, setupSeconds };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

const strip = ({ log: _log, ...rest }: SoakOptions) => rest;

async function progressLine(url: string, mails: number, ledger: Ledger, faults: number, t0: number): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const n = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    const acked = Object.values(ledger.acked).reduce((a, b) => a + b, 0);
    const failed = Object.values(ledger.failed).reduce((a, b) => a + b, 0);
    return (
      `[soak ${((Date.now() - t0) / 60_000).toFixed(0)} min] ${acked} writes acknowledged, ${failed} failed; ${faults} faults; ` +
      `${await n('select count(*) as n from notifications')} notifications, ${mails} mails; ` +
      `${await n('select count(*) as n from tasks where occurrence_index = 1')} next occurrences; ` +
      `${await n('select count(*) as n from outbox where published_at is null')} unpublished; load ${loadavg()[0]!.toFixed(2)}`
    );
  } finally {
    await client.end();
  }
}

/** The summary printed at the end: what ran, what broke, what the verdict is. */
export function summarize(result: SoakResult): string {
  const { facts, ledger, faults, options } = result;
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const byTarget = new Map<string, number>();
  for (const f of faults) {
    const kind = f.target.startsWith('broker') ? 'broker' : f.target.endsWith('daprd') ? 'daprd' : 'app';
    byTarget.set(kind, (byTarget.get(kind) ?? 0) + 1);
  }
  const errors = [...ledger.errors].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return [
    `=== soak on ${options.broker}, seed ${options.seed}: ${(options.loadMs / 60_000).toFixed(1)} min of load, ` +
      `replicas ${ROLES.map((r) => `${r} ${options.replicas[r]}`).join(', ')} (setup ${result.setupSeconds.toFixed(0)} s)`,
    `faults: ${faults.length} (${[...byTarget].map(([k, n]) => `${k} ${n}`).join(', ')}); failed restarts: ${faults.filter((f) => f.error).length}`,
    `writes: ${sum(ledger.acked)} acknowledged (${Object.entries(ledger.acked)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}), ` + `${sum(ledger.failed)} failed while a replica was down`,
    ...errors.map(([message, n]) => `  ${n} × ${message}`),
    `reminders due: ${facts.dueReminders}; in-app notifications ${facts.notifications}, emails ${facts.emails}; ` +
      `lateness p50/max in-app ${facts.notificationLateness.map((ms) => (ms / 1000).toFixed(1)).join('/')} s, ` +
      `email ${facts.emailLateness.map((ms) => (ms / 1000).toFixed(1)).join('/')} s`,
    `completions of recurring tasks: ${facts.completions}, with their next occurrence: ${facts.nextOccurrences}`,
    `dead letters: ${facts.deadLetters}; outbox unpublished: ${facts.unpublished}; quiescent ${result.quiescedAfter.toFixed(0)} s after the load`,
    `load average (1 min): ${result.load.start.toFixed(2)} at start, max ${result.load.max.toFixed(2)}, ${result.load.end.toFixed(2)} at end`,
    facts.violations.length ? `VIOLATIONS (${facts.violations.length}):\n${facts.violations.join('\n')}` : 'violations: 0',
  ].join('\n');
}
