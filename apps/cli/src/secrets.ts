/**
 * Secrets through Dapr's secret API (`GET /v1.0/secrets/{store}/{key}`): with `USE_DAPR=true` and `SECRETSTORE_NAME`,
 * the secrets the environment does not already hold are read from the sidecar's secret store
 * — `local.file` self-hosted, `kubernetes` in a cluster — before the configuration is parsed, so
 * the rest of the app sees one frozen config whatever the source. Values never reach the logs.
 */
import { DaprClient } from '@todo/transport';

/** The settings a secret store may provide, by the same names as the environment variables. */
export const SECRET_SETTINGS = ['JWT_SECRET', 'SMTP_URL', 'DATABASE_URL', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY'] as const;

type Env = Record<string, string | undefined>;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

export async function withDaprSecrets(env: Env, log: (line: string) => void): Promise<Env> {
  const store = env['SECRETSTORE_NAME']?.trim();
  if (!truthy(env['USE_DAPR']) || !store) return env;
  const missing = SECRET_SETTINGS.filter((name) => !env[name]);
  if (!missing.length) return env;
  const client = new DaprClient({ httpPort: Number(env['DAPR_HTTP_PORT'] || 3500), apiToken: env['DAPR_API_TOKEN'] });
  log(`todo-app: reading ${missing.join(', ')} from the Dapr secret store "${store}"`);
  // The secrets API is up once the sidecar's components are, before it waits for our port.
  await client.waitForOutbound({ timeoutMs: 60_000 });
  const found: Env = {};
  for (const name of missing) {
    const value = await client.getSecret(store, name);
    if (value) found[name] = value;
  }
  const names = Object.keys(found);
  log(`todo-app: secret store "${store}" provided ${names.length ? names.join(', ') : 'none of them'}`);
  return { ...env, ...found };
}
