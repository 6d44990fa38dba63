/** One todo-app role as its own process next to its own daprd, as `dapr run -f` would start it. */
import { randomBytes } from 'node:crypto';
import { Sidecar, components, freePort, type Broker } from '../../packages/transport/test/dapr.sidecar.js';
import { startServer, type ServerProcess } from './process.js';

export interface RoleProcess {
  server: ServerProcess;
  sidecar: Sidecar;
}

export async function startRole(role: string, appId: string, broker: Broker, env: Record<string, string>): Promise<RoleProcess> {
  const { server, sidecar } = await startRoleWith(role, appId, env, {
    resources: {
      'pubsub.yaml': components.pubsub(broker),
      'statestore.yaml': components.statestore(),
      'resiliency.yaml': components.resiliency(appId, 3, 500),
    },
  });
  return { server, sidecar };
}

/**
 * A role next to a daprd with the given resource files and extra flags; also returns the app's
 * environment, with which the app can be started again on the same ports.
 */
export async function startRoleWith(
  role: string,
  appId: string,
  env: Record<string, string>,
  daprd: { resources: Record<string, string>; args?: string[] },
): Promise<RoleProcess & { env: Record<string, string> }> {
  const [appPort, daprPort] = [await freePort(), await freePort()];
  const roleEnv = { ...env, ROLES: role, USE_DAPR: 'true', PORT: String(appPort), DAPR_HTTP_PORT: String(daprPort) };
  const starting = startServer(roleEnv, 60_000);
  starting.catch(() => undefined); // awaited below; a start failure must not surface as unhandled first
  const sidecar = await Sidecar.start({ appId, appPort, httpPort: daprPort, ...daprd }).catch(async (error: unknown) => {
    await (await starting.catch(() => undefined))?.kill('SIGKILL'); // no orphaned app
    throw error;
  });
  return { server: await starting, sidecar, env: roleEnv };
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
