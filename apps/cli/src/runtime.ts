/**
 * Builds a running todo-app from config: database, services, and the roles asked for.
 * `ROLES=all` composes every role in one process (docs/architecture.md); each role can also start alone.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { createApp, createHealthApp, createMetricsApp, identify, type App } from '@todo/api';
import { DurableChatHistory, registerChatRoutes } from '@todo/chat';
import { LOOPBACK_HOSTS, registerMcpRoutes } from '@todo/mcp';
import type { Config } from '@todo/config';
import { EVENT_TOPIC, systemClock, type Clock, type EventType } from '@todo/domain';
import { createServices, databaseFailureOf, uuidV7Ids, type Services } from '@todo/services';
import { periodic } from '@todo/transport';
import { accountMailer, smtpSender, type MailSender } from '@todo/mailer';
import type { NotifierRole, WebhookRole } from '@todo/notifier';
import type { RecurringRole } from '@todo/recurring';
import { logContextMixin } from './log-context.js';
import { prettyLines } from './pretty-log.js';
import { Metrics } from './metrics.js';
import { registerRoles } from './roles.js';
import { createTransports, type Transports } from './transports.js';
import { Store, WriteHealth, type Database } from '@todo/storage';
import { jwtSecretFor, openDatabase } from './data-dir.js';
import { vapidKeysFor } from './vapid-keys.js';
import { checkDataDir, freeBytes, MIN_FREE_BYTES } from './data-dir-check.js';

/** How often every process folds the list-version rows of users who write without listing. */
const LIST_VERSION_COMPACT_EVERY_MS = 5 * 60_000;

const topicOf = (event: { type: string }): string => EVENT_TOPIC[event.type as EventType] ?? 'unknown';

export interface Runtime {
  config: Readonly<Config>;
  logger: Logger;
  database: Database;
  store: Store;
  services: Services;
  transports: Transports;
  app: App;
  /** Prometheus `/metrics`, listened on apart from `app` (METRICS_PORT) so the API port does not expose it. */
  metricsApp: App;
  /** The recurring role, when this process runs it: its reconciliation can be run on demand. */
  recurring: RecurringRole | undefined;
  /** The notifier role, when this process runs it: its reconciliation can be run on demand. */
  notifier: NotifierRole | undefined;
  /** Outgoing webhooks (with the notifier role): their retry round can be run on demand. */
  webhooks: WebhookRole | undefined;
  /** Starts the relay, the dispatcher and (with the notifier) the job timer. */
  start(): Promise<void>;
  /** Runs everything that is due by the clock until quiet — tests call it instead of sleeping. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function createLogger(config: Readonly<Config>, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    mixin: logContextMixin,
    base: { service: 'todo-app', roles: config.roles.join(',') },
    // A failed query's error holds its SQL and every parameter (the user's text): logged without.
    serializers: { err: (error: unknown) => databaseFailureOf(error) ?? stdSerializers.err(error as Error) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination as DestinationStream);
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY)
    ? pino(options, prettyLines())
    : pino(options);
}

/** The built web UI, next to this package in the workspace (and in the container image). */
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

const SERVER_USE = { command: 'start', whenBusy: 'stop that server first, or set DATA_DIR to another folder' };

export interface RuntimeOptions {
  clock?: Clock;
  /** An already-open, migrated database (tests); by default it is opened from config. */
  database?: Database;
  logger?: Logger;
  mailSender?: MailSender;
}

export async function createRuntime(config: Readonly<Config>, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  // The signing key is read before the database is opened: a bad one stops start-up at once.
  if (!options.database && !config.databaseUrl) checkDataDir(config.dataDir);
  const jwtSecret = jwtSecretFor(config);
  const vapidKeys = vapidKeysFor(config);
  if (!vapidKeys) logger.info('no VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY: reminders are not sent by Web Push');
  const database = options.database ?? (await openDatabase(config, logger, SERVER_USE));
  const store = new Store(database.db);
  const metrics = new Metrics(database, clock);
  const transports = createTransports({
    config,
    database,
    store,
    clock,
    logger,
    onPublished: (event) => metrics.onPublished(event, topicOf(event)),
  });
  const serviceDeps = {
    store,
    clock,
    ids: uuidV7Ids,
    eventSource: `todo-app/${config.roles.join('+')}`,
    // Events written in place are published by their commit; through Dapr they wait for the relay.
    afterCommit: transports.relay
      ? () => transports.relay?.wake()
      : (events: readonly { type: string }[]) => events.forEach((event) => metrics.onPublished(event, topicOf(event))),
  };
  // One pool of SMTP connections for reminder and account mail, closed with the runtime.
  const ownSender = !options.mailSender && config.mail.smtpUrl ? smtpSender(config.mail.smtpUrl) : undefined;
  const mailSender = options.mailSender ?? ownSender;
  // Pages are JSON, mostly ASCII, which V8 keeps a byte a character.
  const services = createServices(
    serviceDeps,
    { jwtSecret },
    {
      listCacheChars: config.listCacheBytes,
      onListPage: metrics.listPage,
      // Only a real mail server can confirm an address; `.eml` files in DATA_DIR cannot (docs/security.md).
      accounts: {
        publicUrl: config.publicUrl,
        mail: config.mail.smtpUrl && mailSender ? accountMailer(mailSender, config.mail.from) : undefined,
        onMailError: (err) => logger.warn({ err }, 'account email not sent'),
      },
      webhooks: { allowPrivateTargets: config.webhooks.allowPrivateTargets },
      push: { services: config.push.services, publicKey: vapidKeys?.publicKey },
    },
  );
  const wiring = registerRoles(config, {
    database,
    serviceDeps,
    services,
    transports,
    metrics,
    clock,
    logger,
    ...(mailSender ? { mailSender } : {}),
    ...(vapidKeys ? { vapidKeys } : {}),
  });
  // A write refused for lack of space makes the process not ready until a write works again.
  const writes = new WriteHealth(
    () => database.probeWrite(),
    options.database || config.databaseUrl ? undefined : { freeBytes: () => freeBytes(config.dataDir), needed: MIN_FREE_BYTES },
  );
  const readiness = [
    { name: 'database', check: () => database.ping() },
    { name: 'writes', check: () => writes.check() },
    ...transports.readiness,
  ];
  // Every process answers health probes; only the api role serves the API.
  const app = config.roles.includes('api')
    ? await createApp({
        services,
        store,
        clock,
        logger,
        bodyLimit: config.bodyLimit,
        trustProxy: config.trustProxy,
        secureCookies: config.publicUrl.startsWith('https:'),
        publicUrl: config.publicUrl,
        overload: config.overload,
        readiness,
        replayDeadLetter: transports.replayDeadLetter,
        writeHealth: writes,
        ...(existsSync(join(WEB_ROOT, 'index.html')) ? { webRoot: WEB_ROOT } : {}),
        ...(wiring.sse ? { sse: wiring.sse } : {}),
      })
    : createHealthApp({ logger, readiness });
  const metricsApp = createMetricsApp({ logger, metrics });
  if (config.roles.includes('api') || config.roles.includes('mcp')) {
    // AI assistants: MCP over Streamable HTTP, and the in-app chat, on the same services.
    const publicUrl = new URL(config.publicUrl);
    registerMcpRoutes(app, {
      services,
      clock,
      allowedHosts: [...LOOPBACK_HOSTS, publicUrl.hostname],
      allowedOrigins: [publicUrl.origin],
    });
  }
  if (config.roles.includes('api')) {
    registerChatRoutes(app, {
      services,
      clock,
      chatConfig: config.chat,
      principalOf: (request) => identify(services.auth, request),
      // In the database: survives restarts and is shared by the api replicas.
      history: new DurableChatHistory(services.chats, { now: () => clock.now() }),
    });
  }
  // Under Dapr the sidecar calls this server for subscriptions, events and jobs.
  await transports.mount(app);
  // Folds each user's list-version rows into one (the version stays): a list read does it for
  // its own user, this for users who write without listing. Only where lists are served: the
  // recurring, notifier and mailer processes would fold the same rows again. The same timer
  // drops deleted tasks whose undo window has passed.
  const servesLists = config.roles.includes('api') || config.roles.includes('mcp');
  const compactVersions = periodic(
    async () => {
      await services.tasks.compactListVersions();
      await services.tasks.purgeTrash();
    },
    servesLists ? LIST_VERSION_COMPACT_EVERY_MS : 0,
    (err) => logger.warn({ err }, 'list version compaction failed'),
  );
  let started = false;
  return {
    config,
    logger,
    database,
    store,
    services,
    transports,
    app,
    metricsApp,
    recurring: wiring.recurring,
    notifier: wiring.notifier,
    webhooks: wiring.webhooks,
    start: async () => {
      started = true;
      await wiring.live?.start();
      await transports.start(wiring.usesJobs);
      wiring.recurring?.start();
      wiring.notifier?.start();
      wiring.webhooks?.start();
      compactVersions.start();
    },
    // Webhook retries that came due, after the events: the first attempts are the handlers'.
    drain: async () => {
      await transports.drain(wiring.usesJobs);
      await wiring.webhooks?.deliverDue();
    },
    close: async () => {
      wiring.sse?.close();
      await app.close();
      await services.confirmations.settled();
      await metricsApp.close();
      await wiring.recurring?.stop();
      await wiring.notifier?.stop();
      await wiring.webhooks?.stop();
      await compactVersions.stop();
      if (started) await transports.stop();
      await wiring.live?.stop();
      ownSender?.close?.();
      await database.close();
    },
  };
}
