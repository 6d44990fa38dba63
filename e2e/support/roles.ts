/** One todo-app role as its own process next to its own daprd, as `dapr run -f` would start it. */
import { randomBytes } from 'node:crypto';
import { Sidecar, components, freePort, type Broker } from '../../packages/transport/test/dapr.sidecar.js';
import { startServer, type ServerProcess } from './process.js';

export interface RoleProcess {
  server: ServerProcess;
  sidecar: Sidecar;
}

export async function startRole(role: string, appId: string, broker: Broker, env: Record<string, string>): Promise<RoleProcess> {
  const [appPort, daprPort] = [await freePort(), await freePort()];
  const starting = startServer(
    { ...env, ROLES: role, USE_DAPR: 'true', PORT: String(appPort), DAPR_HTTP_PORT: String(daprPort) },
    60_000,
  );
  starting.catch(() => undefined); // awaited below; a start failure must not surface as unhandled first
  const sidecar = await Sidecar.start({
    appId,
    appPort,
    httpPort: daprPort,
    resources: {
      'pubsub.yaml': components.pubsub(broker),
      'statestore.yaml': components.statestore(),
      'resiliency.yaml': components.resiliency(appId, 3, 500),
    },
  });
  return { server: await starting, sidecar };
}

export async function stopAll(roles: readonly RoleProcess[]): Promise<void> {
  await Promise.all(roles.map(async (r) => (await r.server.kill('SIGTERM'), await r.sidecar.stop())));
}

/** What every role of one deployment shares: the database, a JWT secret, mail, public URL. */
export function roleEnv(databaseUrl: string, smtpUrl?: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'http://todo.test',
  };
}
