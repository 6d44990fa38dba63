/**
 * The self-hosted Dapr files in deploy/dapr/local/ load in the real daprd and work:
 * pubsub (Redis, then Kafka), the PostgreSQL v2 state store reading its connection string from
 * the local-file secret store, the resiliency policies and the tracing configuration. Only
 * addresses are rewritten to the test infrastructure.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DaprStateStore } from '../src/index.js';
import { requireEnv, Sidecar } from './dapr.sidecar.js';
import { testEvent, uniqueName } from './support.js';

vi.setConfig({ testTimeout: 60_000 });

const local = resolve(import.meta.dirname, '../../../deploy/dapr/local');
const read = (file: string) => readFileSync(join(local, file), 'utf8');
function metadataValue(yaml: string, name: string, value: string): string {
  const pattern = new RegExp(`(- name: ${name}\\n\\s+value: )['"][^'"]*['"]`);
  if (!pattern.test(yaml)) throw new Error(`no metadata item "${name}" with a quoted value to point at the test infrastructure`);
  return yaml.replace(pattern, `$1${JSON.stringify(value)}`);
}

const work = mkdtempSync(join(tmpdir(), 'dapr-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** deploy/dapr/local rendered for the test infrastructure, one pub/sub flavour. */
function render(broker: 'redis' | 'kafka'): { resources: Record<string, string>; config: string } {
  const secrets = join(work, 'secrets.json');
  writeFileSync(secrets, JSON.stringify({ DATABASE_URL: requireEnv('TEST_DATABASE_URL'), JWT_SECRET: 'test' }));
  const pubsub =
    broker === 'redis'
      ? metadataValue(read('pubsub/redis/pubsub-redis.yaml'), 'redisHost', requireEnv('TEST_REDIS_ADDR'))
      : metadataValue(read('pubsub/kafka/pubsub-kafka.yaml'), 'brokers', requireEnv('TEST_KAFKA_BROKERS'));
  const dir = join(work, broker);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'configuration.yaml');
  writeFileSync(config, read('configuration.yaml').replace('data/dapr-nameresolution.db', join(dir, 'nr.db')));
  return {
    config,
    resources: {
      [`pubsub-${broker}.yaml`]: pubsub,
      'statestore.yaml': read('resources/statestore.yaml'),
      'secretstore.yaml': metadataValue(read('resources/secretstore.yaml'), 'secretsFile', secrets),
      'resiliency.yaml': read('resources/resiliency.yaml'),
    },
  };
}

async function components(sidecar: Sidecar): Promise<Record<string, string>> {
  const res = await sidecar.client.request('GET', '/v1.0/metadata');
  const meta = JSON.parse(res.text) as { components: { name: string; type: string; version: string }[] };
  return Object.fromEntries(meta.components.map((c) => [c.name, `${c.type}/${c.version}`]));
}

describe('deploy/dapr/local in a real daprd', () => {
  for (const broker of ['redis', 'kafka'] as const) {
    it(`loads the ${broker} pub/sub with the state store, secret store, resiliency and configuration`, async () => {
      const { resources, config } = render(broker);
      const sidecar = await Sidecar.start({ appId: 'backend', resources, config, logLevel: 'info' });
      try {
        expect(await components(sidecar)).toMatchObject({
          pubsub: `pubsub.${broker}/v1`,
          statestore: 'state.postgresql/v2',
          secretstore: 'secretstores.local.file/v1',
        });
        expect(await sidecar.client.getSecret('secretstore', 'DATABASE_URL')).toBe(requireEnv('TEST_DATABASE_URL'));
        expect(await sidecar.client.getSecret('secretstore', 'SMTP_URL')).toBeNull();
        const store = new DaprStateStore({ client: sidecar.client, storeName: 'statestore' });
        const key = uniqueName('deploy');
        const etag = await store.set(key, { ok: true }, { firstWrite: true });
        expect(await store.get(key)).toEqual({ value: { ok: true }, etag });
        await store.delete(key, { etag });
        await sidecar.client.publish('pubsub', uniqueName('deploy'), testEvent(new Date()), { partitionKey: 'task-1' });
        expect(sidecar.output).toContain('Loading Resiliency configuration: todo-resiliency');
        expect(sidecar.output).toContain('Dapr trace sampler initialized');
        expect(sidecar.output).toContain('Initialized name resolution to sqlite');
        expect(sidecar.output).not.toMatch(/level=(error|fatal)/);
      } finally {
        await sidecar.stop();
      }
    });
  }

  it('runs every role with its own app-id and USE_DAPR=true (dapr.yaml)', () => {
    const run = parse(read('dapr.yaml')) as {
      common: { env: Record<string, string>; resourcesPaths: string[]; configFilePath: string };
      apps: { appID: string; command: string[]; appPort: number; daprHTTPPort: number }[];
    };
    expect(run.common.env.USE_DAPR).toBe('true');
    expect(run.apps.map((a) => [a.appID, a.command.join(' ')])).toEqual([
      ['backend', 'node apps/cli/dist/main.js start --roles api'],
      ['mcp-server', 'node apps/cli/dist/main.js start --roles mcp'],
      ['notification-service', 'node apps/cli/dist/main.js start --roles notifier'],
      ['email-delivery-service', 'node apps/cli/dist/main.js start --roles mailer'],
      ['recurring-task-service', 'node apps/cli/dist/main.js start --roles recurring'],
    ]);
    expect(new Set(run.apps.map((a) => a.appPort)).size).toBe(5);
    expect(new Set(run.apps.map((a) => a.daprHTTPPort)).size).toBe(5);
    for (const path of [...run.common.resourcesPaths, run.common.configFilePath])
      expect(existsSync(resolve(local, path)), path).toBe(true);
    const resiliency = parse(read('resources/resiliency.yaml')) as { scopes: string[] };
    expect([...resiliency.scopes].sort()).toEqual(run.apps.map((a) => a.appID).sort());
  });
});
