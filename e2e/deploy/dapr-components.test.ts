/**
 * Acceptance 3 of issue #7: the chart's Dapr resources, rendered with
 * ci/selfhosted-values.yaml (local file secret store, loopback brokers), are loaded by the
 * real daprd. One daprd per app-id (no app: --app-port omitted) must load exactly the
 * components scoped to it, the Resiliency and the Configuration; a component that fails to
 * initialise (a typo in the chart) makes daprd exit, which fails the test.
 *
 * Needs daprd (DAPRD_BIN, or `scripts/infra/dapr.sh build`), Redis, Kafka and PostgreSQL
 * (TEST_REDIS_ADDR / TEST_KAFKA_BROKERS / TEST_DATABASE_URL, else started with scripts/infra).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_IDS, isDaprKind, render, root, type K8sObject } from './chart.js';

/** KEY=value lines printed by a scripts/infra script; throws with its stderr on failure. */
function infra(script: string, ...args: string[]): Record<string, string> {
  const r = spawnSync('bash', [join(root, 'scripts/infra', script), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/infra/${script} ${args.join(' ')} failed:\n${r.stderr}`);
  return Object.fromEntries([...r.stdout.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

function daprdBin(): string {
  if (process.env.DAPRD_BIN) return process.env.DAPRD_BIN;
  const r = spawnSync('bash', [join(root, 'scripts/infra/dapr.sh'), 'paths'], { encoding: 'utf8' });
  const m = /^DAPRD_BIN=(.+)$/m.exec(r.stdout ?? '');
  if (r.status === 0 && m) return m[1]!.trim();
  throw new Error(
    'daprd is not built: run `npm test` (it provisions daprd) or `bash scripts/infra/dapr.sh build`, or set DAPRD_BIN',
  );
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Metadata {
  id: string;
  components: { name: string; type: string; version: string }[];
  resiliencies?: { name: string }[];
}

/** Starts daprd for one app-id, waits until its components are up, returns /v1.0/metadata. */
async function runDaprd(appId: string, resources: string, config: string): Promise<{ metadata: Metadata; log: string }> {
  const [http, grpc, internal, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(
    daprdBin(),
    [
      '--app-id',
      appId,
      '--resources-path',
      resources,
      '--config',
      config,
      '--dapr-http-port',
      String(http),
      '--dapr-grpc-port',
      String(grpc),
      '--dapr-internal-grpc-port',
      String(internal),
      '--metrics-port',
      String(metrics),
      '--dapr-listen-addresses',
      '127.0.0.1',
      '--log-level',
      'info',
      '--dapr-graceful-shutdown-seconds',
      '1',
    ],
    { env: { ...process.env, DAPR_HOST_IP: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  let exited: number | null | undefined;
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  child.on('exit', (code) => (exited = code));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited !== undefined)
        throw new Error(`daprd (${appId}) exited with ${exited} while loading the chart's components:\n${log}`);
      if (Date.now() > deadline) throw new Error(`daprd (${appId}) did not load its components in 30 s:\n${log}`);
      const ok = await fetch(`http://127.0.0.1:${http}/v1.0/healthz/outbound`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const metadata = (await (await fetch(`http://127.0.0.1:${http}/v1.0/metadata`)).json()) as Metadata;
    return { metadata, log };
  } finally {
    if (exited === undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (exited === undefined) child.kill('SIGKILL');
    }
  }
}

describe('the chart Dapr resources load in a real daprd (ci/selfhosted-values.yaml)', () => {
  const work = mkdtempSync(join(tmpdir(), 'todo-chart-daprd-'));
  const database = 'todo_chart_daprd';
  let databaseUrl = '';
  let redisAddr = '';
  let kafkaBrokers = '';

  beforeAll(async () => {
    daprdBin();
    redisAddr = process.env.TEST_REDIS_ADDR ?? infra('redis.sh', 'start').REDIS_ADDR!;
    kafkaBrokers = process.env.TEST_KAFKA_BROKERS ?? infra('kafka.sh', 'start').KAFKA_BROKERS!;
    const serverUrl = process.env.TEST_DATABASE_URL ?? infra('postgres.sh', 'start').DATABASE_URL!;
    // A database of its own: the state store creates its tables there.
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Renders the chart like an operator would for self-hosted daprd, into resources/ + config.yaml. */
  function renderSelfHosted(name: string, sets: string[]): { resources: string; config: string; objs: K8sObject[] } {
    const dir = join(work, name);
    const resources = join(dir, 'resources');
    mkdirSync(resources, { recursive: true });
    const secretsFile = join(dir, 'secrets.json');
    // Same shape as the Kubernetes Secrets the chart references: {"<secret>": {"<key>": "<value>"}}.
    writeFileSync(secretsFile, JSON.stringify({ 'todo-db': { url: databaseUrl }, 'todo-jwt': { secret: 'j'.repeat(48) } }));
    const objs = render(['ci/selfhosted-values.yaml'], [`dapr.secretstore.localFile.secretsFile=${secretsFile}`, ...sets]).filter(
      isDaprKind,
    );
    let config = '';
    for (const o of objs) {
      const file = o.kind === 'Configuration' ? join(dir, 'config.yaml') : join(resources, `${o.kind}-${o.metadata.name}.yaml`);
      if (o.kind === 'Configuration') config = file;
      writeFileSync(file, stringify(o));
    }
    expect(config, 'a Configuration is rendered').not.toBe('');
    return { resources, config, objs };
  }

  const expectLoaded = (objs: K8sObject[], appId: string, metadata: Metadata, log: string) => {
    expect(metadata.id).toBe(appId);
    const scoped = objs.filter((o) => o.kind === 'Component' && o.scopes.includes(appId));
    const loaded = metadata.components.map((c) => `${c.name} ${c.type}/${c.version}`).sort();
    expect(loaded, log).toEqual(scoped.map((c) => `${c.metadata.name} ${c.spec.type}/${c.spec.version}`).sort());
    for (const c of scoped) expect(log).toContain(`Component loaded: ${c.metadata.name} (${c.spec.type}/${c.spec.version})`);
    const resiliency = objs.find((o) => o.kind === 'Resiliency')!;
    expect(metadata.resiliencies?.map((r) => r.name)).toEqual([resiliency.metadata.name]);
    expect(log).not.toMatch(/level=(error|fatal)/);
  };

  it('Redis Streams pub/sub, PostgreSQL v2 state store, local secret store: every app-id loads what is scoped to it', async () => {
    const { resources, config, objs } = renderSelfHosted('redis', [
      'dapr.pubsub.type=redis',
      `dapr.pubsub.redis.host=${redisAddr}`,
    ]);
    expect(objs.find((o) => o.metadata.name === 'pubsub')!.spec.type).toBe('pubsub.redis');
    for (const appId of Object.values(APP_IDS)) {
      const { metadata, log } = await runDaprd(appId, resources, config);
      expectLoaded(objs, appId, metadata, log);
      if (appId === APP_IDS.mailer) expect(metadata.components.map((c) => c.name)).toContain('statestore');
      else expect(metadata.components.map((c) => c.name)).not.toContain('statestore');
    }
  }, 240_000);

  it('Kafka pub/sub (loopback broker, no SASL/TLS): loads for the api and the mailer', async () => {
    const { resources, config, objs } = renderSelfHosted('kafka', [
      'dapr.pubsub.type=kafka',
      `dapr.pubsub.kafka.brokers=${kafkaBrokers}`,
      'dapr.pubsub.kafka.authType=none',
      'dapr.pubsub.kafka.tls=false',
    ]);
    expect(objs.find((o) => o.metadata.name === 'pubsub')!.spec.type).toBe('pubsub.kafka');
    for (const appId of [APP_IDS.api, APP_IDS.mailer]) {
      const { metadata, log } = await runDaprd(appId, resources, config);
      expectLoaded(objs, appId, metadata, log);
    }
  }, 180_000);

  it('a broken component (unreachable Redis) makes daprd fail, so chart typos cannot pass', async () => {
    const { resources, config } = renderSelfHosted('broken', ['dapr.pubsub.type=redis', 'dapr.pubsub.redis.host=127.0.0.1:1']);
    await expect(runDaprd(APP_IDS.api, resources, config)).rejects.toThrow(/exited[\s\S]*pubsub|did not load/);
  }, 120_000);
});
