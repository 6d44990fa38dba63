/**
 * @module @todo/config — the environment, parsed once with zod at start and frozen.
 * No other module reads `process.env`.
 * @example
 *   const config = loadConfig(process.env); // throws ConfigError listing every bad variable
 */
import { z } from 'zod';

export const ROLES = ['api', 'mcp', 'notifier', 'mailer', 'recurring'] as const;
export type Role = (typeof ROLES)[number];

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const roles = z
  .string()
  .default('all')
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.union([z.literal('all'), z.enum(ROLES)])).min(1))
  .transform((list): Role[] => (list.includes('all') ? [...ROLES] : [...new Set(list as Role[])]));

/**
 * TRUST_PROXY: whose `X-Forwarded-For` names the client. `false` (default): nobody's, the
 * socket's peer is the client; `true`: everyone's (only when every request comes through a
 * proxy that overwrites the header); else a comma-separated list of the proxies' addresses,
 * CIDR ranges or `loopback` / `linklocal` / `uniquelocal` (private ranges). A hop count is not
 * offered: Fastify cannot check the peer with one, and trusts nobody.
 */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const proxyAddress = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx): boolean | string[] => {
    const value = raw?.trim() ?? '';
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    const list = value.split(',').map((p) => p.trim());
    const bad = list.filter((p) => !PROXY_NAMES.has(p) && !proxyAddress.safeParse(p).success);
    if (bad.length) {
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false, or a comma-separated list of addresses or CIDR ranges (not ${bad.join(', ')})`,
      });
      return z.NEVER;
    }
    return list;
  });

/** The push services of Chrome (FCM), Firefox (Mozilla), Edge (WNS) and Safari (Apple). */
const DEFAULT_PUSH_SERVICES = [
  'https://fcm.googleapis.com',
  'https://*.push.services.mozilla.com',
  'https://*.notify.windows.com',
  'https://*.push.apple.com',
];

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const EnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'), // loopback on a laptop; the Helm chart sets 0.0.0.0
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Sockets listening on PORT (Linux; elsewhere 1): how many new connections a busy server takes in per turn. */
  LISTEN_SOCKETS: z.coerce.number().int().min(1).max(256).default(16),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  USE_DAPR: bool.default(false),
  ROLES: roles,
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  PUBSUB_NAME: z.string().min(1).default('pubsub'),
  STATESTORE_NAME: z.string().min(1).default('statestore'),
  SECRETSTORE_NAME: optionalText,
  APP_API_TOKEN: optionalText,
  DAPR_API_TOKEN: optionalText,
  JWT_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().default('todo-app <todo@localhost>'),
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  /** Web Push (VAPID) key pair, base64url; unset in the embedded runtime: generated into DATA_DIR. */
  VAPID_PUBLIC_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key (87 characters)')
      .optional(),
  ),
  VAPID_PRIVATE_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url P-256 private key (43 characters)')
      .optional(),
  ),
  /** Who push services contact about this server: a mailto: or https: URL (default: from PUBLIC_URL or MAIL_FROM). */
  VAPID_SUBJECT: optionalText.pipe(z.url({ protocol: /^(mailto|https)$/ }).optional()),
  /** Push services browsers may register endpoints of: origins, or https://*.domain for a domain's hosts. */
  PUSH_SERVICES: optionalText
    .transform((s) =>
      (s ?? DEFAULT_PUSH_SERVICES.join(','))
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^https:\/\/(\*\.[a-z0-9.-]+|[a-z0-9.-]+(:\d+)?)$/, 'must be https://host[:port] or https://*.domain'),
      ),
    ),
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  OPENAI_API_KEY: optionalText,
  CHAT_MODEL: optionalText,
  /** How often the recurring role looks for completions nobody handled (0 = never), and how old they must be. */
  RECURRENCE_RECONCILE_EVERY_MS: z.coerce.number().int().min(0).default(60_000),
  RECURRENCE_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
  REMINDER_RECONCILE_EVERY_MS: z.coerce.number().int().min(0).default(60_000),
  REMINDER_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
  /**
   * Outgoing webhooks may reach internal addresses (loopback, private, link-local, …): off by
   * default, so no user can make the server call into its own network (docs/webhooks.md).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /** How often the notifier role sends webhook deliveries whose retry came due (0 = never: tests). */
  WEBHOOK_RETRY_EVERY_MS: z.coerce.number().int().min(0).default(5_000),
  /** Memory for task-list pages kept per process, served again while their owner's data is unchanged (0 = none). */
  LIST_CACHE_MB: z.coerce.number().min(0).default(32),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` lines for log collectors, short `pretty` lines for a person; `auto` picks pretty on a terminal. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Max request body, bytes. */
  TRUST_PROXY: trustProxy,
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  /** Prometheus `/metrics` listens here (on HOST), never on the API port; unset: not served. */
  METRICS_PORT: optionalText.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  /** The most requests in progress at once; more are shed with 503 (0 = no bound). */
  MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(256),
  /** Latency target: while requests take longer, the in-flight bound shrinks below MAX_IN_FLIGHT (0 = fixed bound). */
  MAX_QUEUE_MS: z.coerce.number().int().min(0).default(100),
  /** Mean event-loop delay (over 100 ms) above which requests are shed with 503 (0 = never). */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(200),
  /** Live-update (SSE) streams one user may hold open at once. */
  SSE_STREAMS_PER_USER: z.coerce.number().int().min(1).default(8),
});

export interface Config {
  host: string;
  port: number;
  /** Listening sockets on `port` (SO_REUSEPORT, Linux only): new connections taken in per event-loop turn. */
  listenSockets: number;
  dataDir: string;
  databaseUrl: string | undefined;
  useDapr: boolean;
  roles: readonly Role[];
  dapr: {
    httpPort: number;
    pubsubName: string;
    statestoreName: string;
    secretstoreName: string | undefined;
    apiToken: string | undefined;
    appApiToken: string | undefined;
  };
  jwtSecret: string | undefined;
  mail: { smtpUrl: string | undefined; from: string };
  /**
   * Web Push: the VAPID key pair (unset: the embedded runtime generates one into DATA_DIR; with
   * USE_DAPR, push is off), who push services may contact, and which push services may be used.
   */
  push: { publicKey: string | undefined; privateKey: string | undefined; subject: string; services: readonly string[] };
  publicUrl: string;
  chat: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined };
  recurrence: { reconcileEveryMs: number; reconcileGraceMs: number };
  reminders: { reconcileEveryMs: number; reconcileGraceMs: number };
  webhooks: { allowPrivateTargets: boolean; retryEveryMs: number };
  /** Bytes of task-list pages kept for re-serving (0 = none). */
  listCacheBytes: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  logFormat: z.infer<typeof EnvSchema>['LOG_FORMAT'];
  bodyLimit: number;
  /** Port of the separate `/metrics` listener; undefined: metrics are not served. */
  metricsPort: number | undefined;
  /** Load shedding: past these, requests are answered 503 at once (0 = off; maxQueueMs 0 = a fixed bound). */
  overload: { maxInFlight: number; maxQueueMs: number; maxEventLoopDelayMs: number };
  sseStreamsPerUser: number;
  /** Which proxies' X-Forwarded-For to believe for the client address (rate limits key on it). */
  trustProxy: boolean | string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  // Replicas must share the signing key; only the embedded runtime may generate and keep one.
  if (e.USE_DAPR && !e.JWT_SECRET) problems.push('JWT_SECRET: required when USE_DAPR=true (replicas must share it)');
  if (!e.VAPID_PUBLIC_KEY !== !e.VAPID_PRIVATE_KEY)
    problems.push('VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both (one key pair) or neither');
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  const mailAddress = /<([^>]+)>/.exec(e.MAIL_FROM)?.[1] ?? e.MAIL_FROM.trim();
  return deepFreeze({
    host: e.HOST,
    port: e.PORT,
    listenSockets: e.LISTEN_SOCKETS,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    useDapr: e.USE_DAPR,
    roles: e.ROLES,
    dapr: {
      httpPort: e.DAPR_HTTP_PORT,
      pubsubName: e.PUBSUB_NAME,
      statestoreName: e.STATESTORE_NAME,
      secretstoreName: e.SECRETSTORE_NAME,
      apiToken: e.DAPR_API_TOKEN,
      appApiToken: e.APP_API_TOKEN,
    },
    jwtSecret: e.JWT_SECRET,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    push: {
      publicKey: e.VAPID_PUBLIC_KEY,
      privateKey: e.VAPID_PRIVATE_KEY,
      subject: e.VAPID_SUBJECT ?? (publicUrl.startsWith('https:') ? publicUrl : `mailto:${mailAddress}`),
      services: e.PUSH_SERVICES,
    },
    publicUrl,
    chat: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.CHAT_MODEL },
    recurrence: { reconcileEveryMs: e.RECURRENCE_RECONCILE_EVERY_MS, reconcileGraceMs: e.RECURRENCE_RECONCILE_GRACE_MS },
    reminders: { reconcileEveryMs: e.REMINDER_RECONCILE_EVERY_MS, reconcileGraceMs: e.REMINDER_RECONCILE_GRACE_MS },
    webhooks: { allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS, retryEveryMs: e.WEBHOOK_RETRY_EVERY_MS },
    listCacheBytes: Math.floor(e.LIST_CACHE_MB * 1024 * 1024),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    bodyLimit: e.BODY_LIMIT,
    metricsPort: e.METRICS_PORT,
    overload: { maxInFlight: e.MAX_IN_FLIGHT, maxQueueMs: e.MAX_QUEUE_MS, maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS },
    sseStreamsPerUser: e.SSE_STREAMS_PER_USER,
    trustProxy: e.TRUST_PROXY,
  });
}
