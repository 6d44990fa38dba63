/**
 * The soak's deployment: every role as replicas, each replica its own `todo start` process next
 * to its own daprd, the replicas of a role sharing one app-id (so one consumer group, one set of
 * scheduler jobs), all on a private broker (e2e/support/brokers.ts) that the chaos loop may
 * crash. Sidecars are configured as in e2e/dapr-chaos.test.ts, whose header says why each
 * setting makes a restart survivable; the inbound retry budget here is the production one's
 * length (deploy/dapr/local: minutes), at a constant 1 s.
 */
import { randomBytes } from 'node:crypto';
import { components, type Broker, type Sidecar } from '../../packages/transport/test/dapr.sidecar.js';
import { startPrivateKafka, startPrivateRedis, type PrivateBroker } from '../support/brokers.js';
import { startServer, type ServerProcess } from '../support/process.js';
import { startRoleWith } from '../support/roles.js';

export type Role = 'api' | 'recurring' | 'notifier' | 'mailer';
export const ROLES: readonly Role[] = ['api', 'recurring', 'notifier', 'mailer'];
export type Replicas = Record<Role, number>;

/** The deployment for the full soak. */
export const FULL_REPLICAS: Replicas = { api: 2, recurring: 2, notifier: 3, mailer: 2 };

const APP_IDS: Record<Role, string> = {
  api: 'backend',
  recurring: 'recurring-task-service',
  notifier: 'notification-service',
  mailer: 'email-delivery-service',
};

/** See e2e/dapr-chaos.test.ts on why the health check is on for Redis only. */
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

/** Inbound retries: every second for 4 minutes (production: 20 exponential retries, ~3–4 min), then the dead-letter topic. */
const DELIVERY_RETRIES = 240;

/** One replica of a role: its app process and its daprd, each killable and restartable on the same ports. */
export class Replica {
  private earlierOutput = '';
  up = true;

  constructor(
    readonly role: Role,
    readonly index: number,
    private readonly env: Record<string, string>,
    public server: ServerProcess,
    public sidecar: Sidecar,
  ) {}

  get name(): string {
    return `${this.role}#${this.index}`;
  }

  get url(): string {
    return this.server.url;
  }

  output(): string {
    return this.earlierOutput + this.server.output();
  }

  async killApp(): Promise<void> {
    this.up = false;
    await this.server.kill('SIGKILL');
    this.earlierOutput = (this.earlierOutput + this.server.output()).slice(-200_000);
  }

  async restartApp(): Promise<void> {
    this.server = await startServer(this.env, 90_000);
    this.up = true;
  }

  async killSidecar(): Promise<void> {
    await this.sidecar.kill('SIGKILL');
  }

  async restartSidecar(): Promise<void> {
    this.sidecar = await this.sidecar.restart();
  }

  async stop(): Promise<void> {
    await this.server.kill('SIGTERM');
    await this.sidecar.stop();
  }
}

export interface Cluster {
  broker: PrivateBroker;
  replicas: Replica[];
  /** The api replicas (the workload's entry points). */
  api: Replica[];
  stop(): Promise<void>;
}

/**
 * Starts the broker and every replica; the first api replica alone first, since it migrates the
 * database the others share. `env` is what every role shares (roleEnv plus the soak's timings).
 */
export async function startCluster(kind: Broker, counts: Replicas, env: Record<string, string>): Promise<Cluster> {
  const broker = kind === 'redis' ? await startPrivateRedis() : await startPrivateKafka();
  const suffix = randomBytes(3).toString('hex');
  const replicas: Replica[] = [];
  const start = async (role: Role, index: number) => {
    const appId = `${APP_IDS[role]}-${suffix}`;
    const started = await startRoleWith(role, appId, env, {
      resources: {
        'pubsub.yaml': components.pubsub(kind, { address: broker.address, metadata: PUBSUB_METADATA[kind] }),
        'statestore.yaml': components.statestore(),
        'resiliency.yaml': components.resiliency(appId, DELIVERY_RETRIES, 1_000),
      },
      args: HEALTH_CHECK[kind],
    });
    const replica = new Replica(role, index, started.env, started.server, started.sidecar);
    replicas.push(replica);
    return replica;
  };
  const stop = async () => {
    await Promise.all(replicas.map((r) => r.stop().catch(() => undefined)));
    await broker.stop().catch(() => undefined);
  };
  try {
    await start('api', 0);
    // Two at a time: a loaded 2-core machine starts 18 processes at once slower than in pairs.
    const rest = ROLES.flatMap((role) =>
      Array.from({ length: counts[role] }, (_, i) => [role, i] as const).filter(([r, i]) => r !== 'api' || i > 0),
    );
    for (let i = 0; i < rest.length; i += 2) await Promise.all(rest.slice(i, i + 2).map(([role, index]) => start(role, index)));
  } catch (error) {
    await stop();
    throw error;
  }
  const order = (r: Replica) => ROLES.indexOf(r.role) * 100 + r.index;
  replicas.sort((a, b) => order(a) - order(b));
  return { broker, replicas, api: replicas.filter((r) => r.role === 'api'), stop };
}
