/**
 * Runs a real `daprd` for the Dapr transport tests: loopback only, free ports, a
 * temp resources dir with the components rendered for the test, the shared Dapr scheduler.
 * Needs the env that `npm test` exports (scripts/test.mjs); never skips silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaprClient } from '../src/index.js';

const SOURCES: Record<string, string> = {
  DAPRD_BIN: 'bash scripts/infra/dapr.sh build (prints DAPRD_BIN)',
  DAPR_SCHEDULER_ADDR: 'bash scripts/infra/dapr.sh start-scheduler (prints DAPR_SCHEDULER_ADDR)',
  TEST_REDIS_ADDR: 'bash scripts/infra/redis.sh start (prints REDIS_ADDR)',
  TEST_KAFKA_BROKERS: 'bash scripts/infra/kafka.sh start (prints KAFKA_BROKERS)',
  TEST_DATABASE_URL: 'bash scripts/infra/postgres.sh start (prints DATABASE_URL)',
};

/** The value of a required env var, or an error saying how to get it. */
export function requireEnv(name: keyof typeof SOURCES): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the Dapr transport tests through \`npm test\`, or run \`${SOURCES[name]}\` and export ${name}`,
    );
  }
  return value;
}

/** Ports this test process handed out: a port is only bound later, so it must not be handed out twice. */
const handedOut = new Set<number>();

/** A loopback port nobody listens on, never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const yamlString = (s: string) => JSON.stringify(s);

export type Broker = 'redis' | 'kafka';

/** Overrides for `components.pubsub`: a broker of the test's own, other component metadata. */
export interface PubsubOptions {
  /** `host:port` of the broker; default TEST_REDIS_ADDR / TEST_KAFKA_BROKERS. */
  address?: string;
  /** `spec.metadata` entries added to, or replacing, the defaults (e.g. Redis `processingTimeout`). */
  metadata?: Record<string, string>;
}

export const components = {
  pubsub(broker: Broker, options: PubsubOptions = {}): string {
    const metadata: Record<string, string> =
      broker === 'redis'
        ? {
            redisHost: options.address ?? requireEnv('TEST_REDIS_ADDR'),
            enableTLS: 'false',
            concurrency: '10',
            maxLenApprox: '1000',
            ...options.metadata,
          }
        : {
            brokers: options.address ?? requireEnv('TEST_KAFKA_BROKERS'),
            authType: 'none',
            disableTls: 'true',
            initialOffset: 'oldest',
            ...options.metadata,
          };
    return `apiVersion: dapr.io/v1alpha1
kind: Component
metadata: { name: pubsub }
spec:
  type: pubsub.${broker}
  version: v1
  metadata:
${Object.entries(metadata)
  .map(([name, value]) => `    - { name: ${name}, value: ${yamlString(value)} }\n`)
  .join('')}`;
  },
  statestore(): string {
    return `apiVersion: dapr.io/v1alpha1
kind: Component
metadata: { name: statestore }
spec:
  type: state.postgresql
  version: v2
  metadata:
    - { name: connectionString, value: ${yamlString(requireEnv('TEST_DATABASE_URL'))} }
    - { name: tablePrefix, value: "dapr_test_" }
    - { name: metadataTableName, value: "dapr_test_metadata" }
`;
  },
  /** Inbound delivery retries: `retries` more attempts, `intervalMs` apart, then the dead-letter topic. */
  resiliency(appId: string, retries: number, intervalMs: number): string {
    return `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: { name: test-resiliency }
scopes: [${appId}]
spec:
  policies:
    timeouts: { delivery: 30s }
    retries:
      deliveryRetry: { policy: constant, duration: ${intervalMs}ms, maxRetries: ${retries} }
  targets:
    components:
      pubsub:
        inbound: { timeout: delivery, retry: deliveryRetry }
`;
  },
  configuration(dir: string): string {
    return `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: { name: testconfig }
spec:
  nameResolution:
    component: sqlite
    version: v1
    configuration: { connectionString: ${yamlString(join(dir, 'nr.db'))} }
`;
  },
};

export interface SidecarOptions {
  appId: string;
  /** The app's port; omitted: a sidecar without an app (state only). */
  appPort?: number;
  /** The sidecar's HTTP port; default a free one. */
  httpPort?: number;
  /** File name → YAML, written to the resources dir. */
  resources: Record<string, string>;
  /** Full path of a Configuration file; default: loopback name resolution in the temp dir. */
  config?: string;
  /** Extra resources dirs (e.g. deploy/dapr/local/resources). */
  extraResourcesPaths?: string[];
  env?: Record<string, string>;
  /** daprd's `--log-level`; default warn. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Wait for `/v1.0/healthz` (app channel, subscriptions, scheduler); default true. */
  waitHealthy?: boolean;
  /** More daprd flags (e.g. `--enable-app-health-check`), appended last. */
  args?: string[];
}

/** daprd processes still running: killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class Sidecar {
  readonly client: DaprClient;
  private exited: Promise<void>;
  private log = '';

  private constructor(
    readonly httpPort: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly options: SidecarOptions,
  ) {
    this.client = new DaprClient({ httpPort });
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The last lines daprd wrote (for failure messages). */
  get output(): string {
    return this.log;
  }

  static async start(options: SidecarOptions): Promise<Sidecar> {
    const daprd = requireEnv('DAPRD_BIN');
    const scheduler = requireEnv('DAPR_SCHEDULER_ADDR');
    const dir = mkdtempSync(join(tmpdir(), 'daprd-test-'));
    const resources = join(dir, 'resources');
    mkdirSync(resources);
    for (const [file, yaml] of Object.entries(options.resources)) writeFileSync(join(resources, file), yaml);
    const config = options.config ?? join(dir, 'config.yaml');
    if (!options.config) writeFileSync(config, components.configuration(dir));
    const httpPort = options.httpPort ?? (await freePort());
    const [grpcPort, internalPort] = [await freePort(), await freePort()];
    const args = [
      '--app-id',
      options.appId,
      ...(options.appPort === undefined ? [] : ['--app-port', String(options.appPort), '--app-protocol', 'http']),
      '--app-channel-address',
      '127.0.0.1',
      '--dapr-http-port',
      String(httpPort),
      '--dapr-grpc-port',
      String(grpcPort),
      '--dapr-internal-grpc-port',
      String(internalPort),
      '--dapr-listen-addresses',
      '127.0.0.1',
      '--dapr-internal-grpc-listen-address',
      '127.0.0.1',
      '--enable-metrics=false',
      '--resources-path',
      resources,
      ...(options.extraResourcesPaths ?? []).flatMap((p) => ['--resources-path', p]),
      '--config',
      config,
      '--scheduler-host-address',
      scheduler,
      '--placement-host-address',
      '',
      '--dapr-graceful-shutdown-seconds',
      '1',
      '--log-level',
      options.logLevel ?? 'warn',
      ...(options.args ?? []),
    ];
    const child = spawn(daprd, args, {
      cwd: dir,
      env: { ...process.env, DAPR_HOST_IP: '127.0.0.1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sidecar = new Sidecar(httpPort, child, dir, options);
    try {
      const early = sidecar.exited.then(() => {
        throw new Error(`daprd exited during start:\n${sidecar.output}`);
      });
      await Promise.race([sidecar.client.waitForOutbound({ timeoutMs: 30_000, intervalMs: 50 }), early]);
      if (options.waitHealthy !== false)
        await Promise.race([sidecar.client.waitForHealthy({ timeoutMs: 30_000, intervalMs: 50 }), early]);
      void early.catch(() => undefined);
    } catch (error) {
      await sidecar.stop();
      throw new Error(`${(error as Error).message}\n--- daprd output ---\n${sidecar.output}`);
    }
    return sidecar;
  }

  /** Sends `signal` (default SIGKILL: a crash) and waits for daprd to exit; keeps the temp dir for `stop()`. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** Stops this daprd (if still running) and starts a new one with the same options and HTTP port. */
  async restart(): Promise<Sidecar> {
    await this.stop();
    return Sidecar.start({ ...this.options, httpPort: this.httpPort });
  }

  /** SIGTERM, then SIGKILL after 5 s; removes the temp dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}
