import { listen } from '@todo/api';
import type { Config } from '@todo/config';
import { writeBackup } from '@todo/storage';
import { listenControl } from '../control-socket.js';
import { createRuntime } from '../runtime.js';

export async function startCommand(config: Readonly<Config>): Promise<void> {
  process.stderr.write(
    `todo-app: starting roles ${config.roles.join(', ')} (${config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.dataDir}`})\n`,
  );
  const runtime = await createRuntime(config);
  // Embedded: the CLI's backups and new users go through this process, which holds the folder.
  const { database, services } = runtime;
  const control = !config.databaseUrl
    ? await listenControl(
        config.dataDir,
        {
          backup: (output) => writeBackup(database, output),
          createUser: async (input, admin) => (await services.auth.signUp(input, { admin })).user,
        },
        runtime.logger,
      )
    : undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    await control?.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Listen before starting work: probes answer during start-up, the port is ours before any
  // sidecar looks for free ports, and the sidecar can read /dapr/subscribe (deliveries that
  // arrive before the bus has started are answered RETRY).
  // Several sockets on the port: a flood of new connections is taken in at once (apps/api/src/listen.ts).
  const address = await listen(runtime.app, { host: config.host, port: config.port, sockets: config.listenSockets });
  if (config.metricsPort !== undefined) {
    const metrics = await runtime.metricsApp.listen({ host: config.host, port: config.metricsPort });
    process.stderr.write(`todo-app: metrics at ${metrics.replace('127.0.0.1', 'localhost')}/metrics\n`);
  }
  await runtime.start();
  const shown = address.replace('127.0.0.1', 'localhost');
  const docs = config.roles.includes('api') ? `  (API docs: ${shown}/docs)` : '  (health: /healthz, /readyz)';
  process.stderr.write(`todo-app: ready at ${shown}${docs}\n`);
}
