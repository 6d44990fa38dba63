/**
 * Builds a running todo-app from config: database, services, and the roles asked for.
 * `ROLES=all` composes every role in one process (design §2); each role can also start alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createApp, type App } from '@todo/api';
import type { Config } from '@todo/config';
import { systemClock, type Clock } from '@todo/domain';
import { createServices, uuidV7Ids, type Services } from '@todo/services';
import { Store, createDatabase, type Database } from '@todo/storage';

export interface Runtime {
  config: Readonly<Config>;
  logger: Logger;
  database: Database;
  store: Store;
  services: Services;
  app: App | undefined;
  close(): Promise<void>;
}

/**
 * Embedded mode keeps a generated signing key in DATA_DIR so sessions survive restarts;
 * distributed mode must be given one (config refuses to start without it).
 */
export function jwtSecretFor(config: Readonly<Config>): string {
  if (config.jwtSecret) return config.jwtSecret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

export function createLogger(config: Readonly<Config>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'todo-app', roles: config.roles.join(',') },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'],
      censor: '[redacted]',
    },
  });
}

export async function openDatabase(config: Readonly<Config>, logger: Logger): Promise<Database> {
  const database = await createDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
  });
  logger.info({ kind: database.kind }, 'database opened; applying migrations');
  await database.migrate();
  return database;
}

export async function createRuntime(
  config: Readonly<Config>,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const database = await openDatabase(config, logger);
  const store = new Store(database.db);
  const services = createServices(
    { store, clock: options.clock ?? systemClock, ids: uuidV7Ids, eventSource: `todo-app/${config.roles.join('+')}` },
    { jwtSecret: jwtSecretFor(config) },
  );
  const app = config.roles.includes('api')
    ? await createApp({
        services,
        logger,
        bodyLimit: config.bodyLimit,
        secureCookies: config.publicUrl.startsWith('https:'),
        readiness: [{ name: 'database', check: () => database.ping() }],
      })
    : undefined;
  return {
    config,
    logger,
    database,
    store,
    services,
    app,
    close: async () => {
      await app?.close();
      await database.close();
    },
  };
}
