/**
 * Issue #4, acceptance 4: kill -9 the recurring role, and separately its sidecar, in the middle
 * of 200 completions of recurring tasks; kill -9 the broker the same way and start it again with
 * its data. Afterwards there must be exactly 200 next occurrences — none lost, none twice — on
 * Redis Streams and on Kafka, with real daprd processes and the Dapr scheduler.
 *
 * Every case has a broker of its own (e2e/support/brokers.ts), so a broker crash never reaches
 * the shared brokers other test files use, and a database of its own, so the counts are its own.
 *
 * What makes a restart survivable (Dapr's delivery replies, brokers and resiliency policies; observed with daprd 1.18.2):
 * - the inbound retry (every second, for a minute) outlasts the restart of the app. The
 *   deliveries in flight when the app dies keep being retried, health check or not ("app is not
 *   in a healthy state" is retriable); with a short budget (the other suites' 3 × 500 ms, or the
 *   5 exponential retries deploy/dapr/local had) they are dead-lettered: an 8 s outage cost 10
 *   of 200 occurrences that way, so deploy/dapr/local now retries for minutes;
 * - on Redis the sidecar also probes the app's /healthz every second (see HEALTH_CHECK for why
 *   not on Kafka): while the app is down it stops pulling more work, and when the app is back it
 *   restarts the subscription (what it had already fetched fails with "context canceled", stays
 *   pending and comes back through the reclaim);
 * - Redis Streams hands out again what a dead sidecar had in flight only once it has been
 *   pending for `processingTimeout`, looked for every `redeliverInterval`: both short here
 *   (5 s / 2 s instead of the defaults);
 * - Kafka redelivers what was not committed once the consumer group has rebalanced;
 * - the outbox relays retry their publishes while the broker or the sidecar is down, and a relay
 *   killed mid-batch leaves its claimed rows to the next one after the lease (30 s);
 * - the recurring role creates an occurrence once per (series, index), so redeliveries are no-ops;
 * - daprd can acknowledge a delivery the app never got when two deliveries fail at once (a race
 *   in its HTTP app channel, docs/operations.md "Lost deliveries"; seen on Kafka, where a kill
 *   leaves a failing delivery per partition): the recurring role's reconciliation handles such a
 *   completion after its grace period (20 s here), and the case prints how many it handled.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '@todo/testing';
import { components, requireEnv, type Broker, type Sidecar } from '../packages/transport/test/dapr.sidecar.js';
import { startPrivateKafka, startPrivateRedis, type PrivateBroker } from './support/brokers.js';
import { api, eventually, startServer, type ServerProcess } from './support/process.js';
import { roleEnv, startRoleWith } from './support/roles.js';

const SERIES = 200;
/** Completions per second: the stream lasts 5 s and the fault strikes in its middle. */
const RATE = 40;
/** How long the killed process (or broker) stays down before it is started again. */
const DOWN_MS = 2_000;

/**
 * App health checks, as the Helm chart turns them on (for Redis; see its values): daprd marks the app unhealthy when /healthz
 * fails once and healthy again when it answers, and then restarts the subscription. Not on Kafka:
 * with daprd 1.18.2 the Kafka consumer sometimes never resumes after that restart when a delivery
 * was in flight ("Recovered processing operation component[pubsub] input after 6 attempts", then
 * nothing; 2 of 12 runs of the app case stalled for 150 s), which is dapr/components-contrib#4349
 * (open). Without the check the inbound retry alone carries the in-flight deliveries over.
 */
const HEALTH_CHECK: Record<Broker, string[]> = {
  redis: [
    '--enable-app-health-check',
    '--app-health-check-path',
    '/healthz',
    '--app-health-probe-interval',
    '1',
    '--app-health-probe-timeout',
    '500',
    '--app-health-threshold',
    '1',
  ],
  kafka: [],
};

const PUBSUB_METADATA: Record<Broker, Record<string, string>> = {
  redis: { processingTimeout: '5s', redeliverInterval: '2s', maxLenApprox: '100000' },
  kafka: {},
};

/** One role: its own process and its own daprd, each of which can be killed and started again on the same ports. */
class Role {
  /** Everything every incarnation of the app wrote. */
  private previousOutput = '';

  private constructor(
    private readonly env: Record<string, string>,
    public server: ServerProcess,
    public sidecar: Sidecar,
  ) {}

  static async start(role: string, appId: string, broker: PrivateBroker, env: Record<string, string>): Promise<Role> {
    const started = await startRoleWith(role, appId, env, {
      resources: {
        'pubsub.yaml': components.pubsub(broker.kind, { address: broker.address, metadata: PUBSUB_METADATA[broker.kind] }),
        'statestore.yaml': components.statestore(),
        // Deliveries retried every second for a minute, then the dead-letter topic.
        'resiliency.yaml': components.resiliency(appId, 60, 1_000),
      },
      args: HEALTH_CHECK[broker.kind],
    });
    return new Role(started.env, started.server, started.sidecar);
  }

  output(): string {
    return this.previousOutput + this.server.output();
  }

  async killApp(): Promise<void> {
    await this.server.kill('SIGKILL');
    this.previousOutput += this.server.output();
  }

  /** A new process of the app, on the same port and sidecar port. */
  async restartApp(): Promise<void> {
    this.server = await startServer(this.env, 60_000);
  }

  /** A new daprd with the same app-id and ports. */
  async restartSidecar(): Promise<void> {
    this.sidecar = await this.sidecar.restart();
  }

  async stop(): Promise<void> {
    await this.server.kill('SIGTERM');
    await this.sidecar.stop();
  }
}

interface Counts {
  /** Tasks with occurrence index 1: the next occurrences. */
  next: number;
  /** Of the 200 series, how many have a next occurrence. */
  series: number;
  /** (series, index) pairs stored more than once. */
  duplicates: number;
  /** Occurrences beyond the next one (nobody completed those). */
  strays: number;
  /** Events Dapr gave up on (recorded by the api role from `<topic>-dlq`). */
  deadLetters: number;
  /** Outbox rows not yet published (either role's). */
  unpublished: number;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function counts(url: string, seriesIds: string[]): Promise<Counts> {
  return withClient(url, async (client) => {
    const one = async (sql: string, params: unknown[] = []) => Number((await client.query(sql, params)).rows[0].n);
    return {
      next: await one('select count(*) as n from tasks where occurrence_index = 1'),
      series: await one(
        'select count(distinct series_id) as n from tasks where occurrence_index = 1 and series_id = any($1::uuid[])',
        [seriesIds],
      ),
      duplicates: await one(
        'select count(*) as n from (select 1 from tasks where series_id is not null group by series_id, occurrence_index having count(*) > 1) d',
      ),
      strays: await one('select count(*) as n from tasks where occurrence_index > 1'),
      deadLetters: await one('select count(*) as n from dead_letters'),
      unpublished: await one('select count(*) as n from outbox where published_at is null'),
    };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

type Fault = 'app' | 'sidecar' | 'broker';

/**
 * Cases that do not hold yet, with what was seen; skipped with this reason (printed), and run
 * anyway with DAPR_TEST_RUN_LIMITED=1 to work on them. Issue #4 stays open while this is here.
 */
const KNOWN_FAILURES: Partial<Record<Broker, Record<string, string>>> = {};

describe.each<Broker>(['redis', 'kafka'])('chaos on %s: 200 completions of recurring tasks', (kind) => {
  const cleanup: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  beforeEach((ctx) => {
    const reason = KNOWN_FAILURES[kind]?.[ctx.task.name];
    if (reason && process.env.DAPR_TEST_RUN_LIMITED !== '1') ctx.skip(`known failure on ${kind}: ${reason}`);
  });

  it.each<[string, Fault]>([
    ['the recurring role', 'app'],
    ["the recurring role's sidecar", 'sidecar'],
    ['the broker', 'broker'],
  ])(
    'kill -9 %s mid-stream, start it again: exactly 200 next occurrences',
    async (_name, fault) => {
      const t0 = Date.now();
      // Fail at once, saying how to get it, when the infrastructure is missing.
      for (const name of ['DAPRD_BIN', 'DAPR_SCHEDULER_ADDR', 'TEST_DATABASE_URL'] as const) requireEnv(name);
      const broker = kind === 'redis' ? await startPrivateRedis() : await startPrivateKafka();
      cleanup.push(() => broker.stop());
      const db = await createPostgresDatabase('todo_chaos');
      cleanup.push(() => db.drop());
      // The reconciliation looks every 5 s for completions unhandled after 20 s (defaults: 60 s, 2 min).
      const env = { ...roleEnv(db.url), RECURRENCE_RECONCILE_EVERY_MS: '5000', RECURRENCE_RECONCILE_GRACE_MS: '20000' };
      const suffix = randomBytes(3).toString('hex');
      // The api role first: it migrates the database the recurring role shares.
      const backend = await Role.start('api', `backend-${suffix}`, broker, env);
      cleanup.push(() => backend.stop());
      const recurring = await Role.start('recurring', `recurring-task-service-${suffix}`, broker, env);
      cleanup.push(() => recurring.stop());
      const diagnose = () =>
        `--- recurring app ---\n${recurring.output().slice(-4_000)}\n--- recurring daprd ---\n${recurring.sidecar.output}` +
        `\n--- api daprd ---\n${backend.sidecar.output}\n--- broker ---\n${broker.output().slice(-2_000)}`;

      const base = backend.server.url;
      const { token } = await api(base, 'POST', '/api/auth/signup', undefined, {
        email: `chaos-${kind}-${fault}@example.test`,
        password: 'correct horse battery',
      });
      const ids: string[] = [];
      for (let i = 0; i < SERIES; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, SERIES - i) }, (_, j) =>
            api(base, 'POST', '/api/tasks', token, {
              title: `Chaos ${kind} ${fault} ${i + j}`,
              due: { date: '2026-12-01' },
              recurrence: { rule: 'daily' },
            }),
          ),
        );
        ids.push(...batch.map((t: { id: string }) => t.id));
      }

      // 200 completions at a steady pace; the fault strikes after half of them.
      const tStream = Date.now();
      const timeline: string[] = [];
      const mark = (what: string) => timeline.push(`${((Date.now() - tStream) / 1000).toFixed(1)}s ${what}`);
      const chaos = (async () => {
        await sleep((SERIES / 2) * (1000 / RATE));
        mark(`kill -9 the ${fault}`);
        if (fault === 'app') {
          await recurring.killApp();
          await sleep(DOWN_MS);
          await recurring.restartApp();
        } else if (fault === 'sidecar') {
          await recurring.sidecar.kill('SIGKILL');
          await sleep(DOWN_MS);
          await recurring.restartSidecar();
        } else {
          await broker.crashAndRestart(DOWN_MS);
        }
        mark(`${fault} running again`);
      })();
      const completions = ids.map(async (id, i) => {
        await sleep(i * (1000 / RATE));
        await api(base, 'POST', `/api/tasks/${id}/complete`, token);
      });
      await Promise.all([chaos, ...completions]);
      mark(`${SERIES} completions accepted`);

      let seen = 0;
      let allThere = 0;
      await eventually(
        async () => {
          const c = await counts(db.url, ids);
          if (c.next >= SERIES && seen < SERIES) {
            mark(`${c.next} next occurrences`);
            allThere = Date.now();
          }
          seen = c.next;
          return c.next >= SERIES && c.unpublished === 0 ? c : undefined;
        },
        150_000,
        `${SERIES} next occurrences and an empty outbox`,
      ).catch(async (error: Error) => {
        // Which series lack their next occurrence, and what the recurring role logged about them.
        const missing = await withClient(db.url, async (client) =>
          (
            await client.query<{ id: string }>(
              'select t.id from tasks t where t.id = any($1::uuid[]) and not exists ' +
                '(select 1 from tasks n where n.series_id = t.id and n.occurrence_index = 1)',
              [ids],
            )
          ).rows.map((r) => r.id),
        );
        const traces = recurring
          .output()
          .split('\n')
          .filter((line) => missing.some((id) => line.includes(id)));
        throw new Error(
          `${error.message}; counts now: ${JSON.stringify(await counts(db.url, ids))}\n${timeline.join('\n')}\n` +
            `--- series without a next occurrence: ${missing.slice(0, 10).join(', ')}; the recurring role on them:\n` +
            `${traces.slice(0, 20).join('\n')}\n${diagnose()}`,
        );
      });
      mark('outbox drained');
      // Redeliveries still on their way (Redis reclaims after processingTimeout + redeliverInterval)
      // would show up as duplicates: give them that long after the last occurrence appeared.
      await sleep(allThere + 7_000 - Date.now());
      const after = await counts(db.url, ids);
      const deduplicated = recurring.output().split('"outcome":"already-created"').length - 1;
      // Deliveries daprd acknowledged without the app having had them (docs/operations.md, "Lost deliveries").
      const reconciled = recurring.output().split('handled by the reconciliation').length - 1;
      process.stderr.write(
        `[chaos ${kind}/${fault}] ${JSON.stringify(after)}; redeliveries turned into no-ops: ${deduplicated}; reconciled: ${reconciled}; ` +
          `setup ${((tStream - t0) / 1000).toFixed(1)}s; ${timeline.join('; ')}\n`,
      );
      expect(after, `${timeline.join('\n')}\n${diagnose()}`).toEqual({
        next: SERIES,
        series: SERIES,
        duplicates: 0,
        strays: 0,
        deadLetters: 0,
        unpublished: 0,
      });
    },
    240_000,
  );
});
