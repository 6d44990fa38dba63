// Runs the roles as Dapr apps for the benchmarks: each `todo start` process next to its own
// daprd, started with the flags packages/transport/test/dapr.sidecar.ts uses:
// loopback only, free ports, components rendered into a temp dir per sidecar. Every child is
// killed when this process exits, however it exits.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMsOf, root } from './support.mjs';

const children = new Set();
const tempDirs = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => process.exit(code));
}

/** Runs `scripts/infra/<script>.sh <command>` (idempotent) and returns the KEY=value lines it prints. */
export function infra(script, command) {
  const out = execFileSync('bash', [`scripts/infra/${script}.sh`, command], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries([...out.matchAll(/^(\w+)=(\S*)$/gm)].map((m) => [m[1], m[2]]));
}

const handedOut = new Set();
/** A loopback port nobody listens on, never the same one twice in this process. */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) return (handedOut.add(port), port);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Deletes everything in one Redis database (the bench's own): a consumer group that finds old
 * entries in a stream replays them.
 */
export function flushRedisDb(address, db) {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.write(`SELECT ${db}\r\nFLUSHDB\r\n`));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.split('\r\n').length < 3) return;
      socket.end();
      if (reply.startsWith('+OK\r\n+OK\r\n')) resolve();
      else reject(new Error(`redis: ${reply.trim()}`));
    });
    socket.on('error', reject);
  });
}

const yaml = (s) => JSON.stringify(s);

/** The pub/sub component named `pubsub`: deploy/dapr/local/pubsub/<broker> with the bench's broker and overrides. */
export function pubsubYaml(broker, metadata) {
  const entries = Object.entries(metadata).map(([name, value]) => `    - { name: ${name}, value: ${yaml(value)} }\n`);
  return `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: { name: pubsub }\nspec:\n  type: pubsub.${broker}\n  version: v1\n  metadata:\n${entries.join('')}`;
}

/** deploy/dapr/local/resources/resiliency.yaml, applied to every app-id (its scopes name the unsuffixed ones). */
export function resiliencyYaml() {
  const text = readFileSync(join(root, 'deploy/dapr/local/resources/resiliency.yaml'), 'utf8');
  return text.replace(/^scopes:\n(?:\s+- .*\n)+/m, '');
}

/** A child process whose last output is kept; `stop()` is SIGTERM, then SIGKILL after 5 s. */
function launch(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  const keep = (chunk) => (log = (log + chunk).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => children.delete(child));
  return {
    output: () => log,
    /** CPU time used so far (user + system, ms; Linux clock ticks of 10 ms), or 0 where /proc is missing. */
    cpuMs: () => cpuMsOf(child.pid),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * An app (a role's `todo start` process, or anything listening on `appPort`) next to its own
 * daprd. Resolves once the app is ready and daprd's `/v1.0/healthz` answers 204 (subscriptions
 * and the scheduler connection up); `stop()` stops both.
 */
export async function startApp({ appId, appPort, role, env, resources, daprd, scheduler }) {
  const daprPort = await freePort();
  const app = role
    ? launch(process.execPath, [join(root, 'apps/cli/dist/main.js'), 'start'], {
        cwd: root,
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          ...env,
          ROLES: role,
          USE_DAPR: 'true',
          PORT: String(appPort),
          DAPR_HTTP_PORT: String(daprPort),
        },
      })
    : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-daprd-'));
  tempDirs.add(dir);
  mkdirSync(join(dir, 'resources'));
  for (const [file, text] of Object.entries(resources)) writeFileSync(join(dir, 'resources', file), text);
  const config = `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: { name: benchconfig }\nspec:\n  nameResolution:\n    component: sqlite\n    version: v1\n    configuration: { connectionString: ${yaml(join(dir, 'nr.db'))} }\n`;
  writeFileSync(join(dir, 'config.yaml'), config);
  const [grpc, internal] = [await freePort(), await freePort()];
  // prettier-ignore
  const sidecar = launch(daprd, [
    '--app-id', appId, '--app-port', String(appPort), '--app-protocol', 'http', '--app-channel-address', '127.0.0.1',
    '--dapr-http-port', String(daprPort), '--dapr-grpc-port', String(grpc), '--dapr-internal-grpc-port', String(internal),
    '--dapr-listen-addresses', '127.0.0.1', '--dapr-internal-grpc-listen-address', '127.0.0.1', '--enable-metrics=false',
    '--resources-path', join(dir, 'resources'), '--config', join(dir, 'config.yaml'), '--scheduler-host-address', scheduler,
    '--placement-host-address', '', '--dapr-graceful-shutdown-seconds', '1', '--log-level', 'warn',
  ], { cwd: dir, env: { ...process.env, DAPR_HOST_IP: '127.0.0.1' } });
  const stop = async () => {
    await Promise.all([app?.stop(), sidecar.stop()]);
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  };
  const deadline = Date.now() + 90_000;
  let url = role ? undefined : `http://127.0.0.1:${appPort}`;
  let healthy = false;
  const died = (p, what) => p?.exited.then(() => (healthy = new Error(`${what} exited during start:\n${p.output()}`)));
  void died(app, `${role} (${appId})`);
  void died(sidecar, `daprd (${appId})`);
  while (!(url && healthy === true)) {
    if (healthy instanceof Error || Date.now() > deadline) {
      const why = healthy instanceof Error ? healthy.message : `${appId} not ready in 90 s`;
      await stop();
      throw new Error(`${why}\n--- app ---\n${app?.output() ?? ''}\n--- daprd ---\n${sidecar.output()}`);
    }
    url ??= /ready at (http:\/\/\S+)/.exec(app.output())?.[1]?.replace('localhost', '127.0.0.1');
    if (!healthy) {
      const res = await fetch(`http://127.0.0.1:${daprPort}/v1.0/healthz`).catch(() => undefined);
      if (res?.status === 204 && healthy === false) healthy = true;
    }
    await sleep(100);
  }
  return { appId, url, daprPort, stop, cpuMs: () => ({ app: app?.cpuMs() ?? 0, daprd: sidecar.cpuMs() }) };
}

/**
 * A bare acking consumer on `appPort` for `topic` (the counterpart of the embedded benchmark's
 * acking subscriber): records when each event of `source` arrived, answers SUCCESS to all.
 */
export function startSink(appPort, topic, source) {
  const arrivals = new Map();
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/dapr/subscribe')
        return res.end(JSON.stringify([{ pubsubname: 'pubsub', topic, route: '/events' }]));
      if (req.method !== 'POST' || req.url !== '/events') return res.writeHead(404).end('{}');
      const event = JSON.parse(body);
      if (event.source === source && !arrivals.has(event.id)) arrivals.set(event.id, performance.now());
      res.end('{"status":"SUCCESS"}');
    });
  });
  return new Promise((resolve) =>
    server.listen(appPort, '127.0.0.1', () =>
      resolve({ arrivals, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) }),
    ),
  );
}
