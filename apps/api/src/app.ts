/**
 * `createApp(deps)` wires the HTTP API and never listens or reads the environment (so tests
 * use `app.inject`); `main` in the CLI builds the deps and listens.
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Services } from '@todo/services';
import { randomUUID } from 'node:crypto';
import { authenticate, traceparentOf } from './auth.js';
import { answerWrongMethodWith405 } from './method-not-allowed.js';
import { registerInputChecks } from './input.js';
import { PROBLEM_SCHEMA, openapiTransform, openapiTransformObject } from './openapi.js';
import { problem, retryAfterOf, sendProblem, toProblem, type WriteFailures } from './problem.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerHealthRoutes, type ReadinessCheck } from './routes/health.routes.js';
import { registerLabelRoutes } from './routes/label.routes.js';
import { registerProjectRoutes } from './routes/project.routes.js';
import { registerCommentRoutes } from './routes/comment.routes.js';
import { registerSharingRoutes } from './routes/sharing.routes.js';
import { registerMeRoutes } from './routes/me.routes.js';
import { registerRecurrenceRoutes } from './routes/recurrence.routes.js';
import { registerTaskRoutes } from './routes/task.routes.js';
import { registerTokenRoutes } from './routes/token.routes.js';
import { registerActionRoutes } from './routes/action.routes.js';
import { registerConfirmRoutes } from './routes/confirm.routes.js';
import { acceptFormButtons } from './routes/link-page.js';
import { registerAdminRoutes } from './routes/admin.routes.js';
import { registerNotificationRoutes } from './routes/notification.routes.js';
import { registerWebhookRoutes } from './routes/webhook.routes.js';
import { registerCalendarFeedRoutes, registerFeedRoute } from './routes/calendar-feed.routes.js';
import { registerPushRoutes } from './routes/push.routes.js';
import { addDavMethods, registerCaldavRoutes } from './caldav/caldav.routes.js';
import { registerInteropRoutes } from './routes/interop.routes.js';
import type { SseHub } from './sse-hub.js';
import { registerHttpPolicy } from './http-policy.js';
import { LoadShedder, type LoadSheddingOptions } from './load-shedding.js';
import { registerWebRoot } from './web-root.js';
import { taskEtag, TaskVersionMismatch, type Clock } from '@todo/domain';
import type { Store } from '@todo/storage';

export type App = FastifyInstance;

export interface AppDeps {
  services: Services;
  store: Store;
  clock: Clock;
  /** Live updates; absent in processes that do not serve them. */
  sse?: SseHub;
  /** Delivers a dead letter again (runtime-specific). */
  replayDeadLetter?: (id: string) => Promise<boolean>;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Request body limit, bytes. */
  bodyLimit?: number;
  /** Login/sign-up attempts per client address per minute. */
  authRateLimit?: number;
  /** Calendar feed fetches (`/feeds/…`, no credential but the URL) per client address per minute. */
  feedRateLimit?: number;
  /**
   * Which proxies' `X-Forwarded-For` to believe for the client address (TRUST_PROXY): false
   * (the default) uses the socket's peer, a list trusts those addresses or CIDR ranges.
   * Rate limits are keyed on this address.
   */
  trustProxy?: boolean | string[];
  /** Mark cookies Secure (when served over HTTPS). */
  secureCookies?: boolean;
  /** PUBLIC_URL: its origin may send cookie requests whatever host reached us; https turns on HSTS. */
  publicUrl?: string;
  /** Shed requests with 503 past these bounds; no shedding without. */
  overload?: LoadSheddingOptions;
  version?: string;
  /** Built web UI (apps/web/dist) served at `/`, with index.html for client-side routes. */
  webRoot?: string;
  /** Told of failed requests: a write refused for lack of space answers 507 and turns readiness off. */
  writeHealth?: WriteFailures;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function createApp(deps: AppDeps): Promise<App> {
  const shedder = deps.overload ? new LoadShedder(deps.overload, () => deps.clock.now().getTime(), deps.logger) : undefined;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 256 * 1024,
    requestIdHeader: false,
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Email action links carry a signed token in the path.
    routerOptions: { maxParamLength: 2048 },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    trustProxy: deps.trustProxy ?? false,
    // Excess requests are refused by the server's own listener, before Fastify's work.
    ...(shedder ? { serverFactory: shedder.serverFactory } : {}),
  }) as unknown as App;
  addDavMethods(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The caller's trace context joins every log line of the request.
  app.addHook('onRequest', async (request, reply) => {
    const traceparent = traceparentOf(request);
    if (traceparent) request.log = reply.log = request.log.child({ traceparent });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not the URL: queries carry search text and action links a token.
    const path = request.routeOptions.url ?? request.url.split('?')[0];
    const ms = Math.round(reply.elapsedTime);
    request.log.info(
      { method: request.method, path, statusCode: reply.statusCode, ms },
      `${request.method} ${path} ${reply.statusCode} ${ms} ms`,
    );
  });
  app.setErrorHandler((error, request, reply) => {
    const retryAfter = retryAfterOf(error);
    if (retryAfter) reply.header('retry-after', String(retryAfter));
    if (error instanceof TaskVersionMismatch) reply.header('etag', taskEtag(error.current));
    return sendProblem(reply, toProblem(error, request, deps.writeHealth));
  });
  registerInputChecks(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Client-side routes of the web UI get its index.html; everything else is a real 404.
    if (deps.webRoot && request.method === 'GET' && !path.startsWith('/api/') && !path.includes('.')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return sendProblem(reply, problem('NOT_FOUND', `no route ${request.method} ${path}`));
  });
  answerWrongMethodWith405(app);

  app.decorate('publicOrigin', deps.publicUrl ? new URL(deps.publicUrl).origin : null);
  if (shedder) await shedder.watchEventLoop(app);
  await registerHttpPolicy(app, { https: deps.publicUrl?.startsWith('https:') ?? false });
  await app.register(cookie);
  if (deps.webRoot) await registerWebRoot(app, deps.webRoot);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'todo-app API',
        version: deps.version ?? '0.1.0',
        description: 'Tasks, recurrence, reminders. Errors are application/problem+json.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Session JWT or API token (todo_…)' } },
        schemas: { Problem: PROBLEM_SCHEMA as unknown as Record<string, unknown> },
      },
      security: [{ bearer: [] }],
    },
    transform: openapiTransform,
    transformObject: openapiTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  registerHealthRoutes(typed, deps.readiness);
  typed.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await typed.register(async (scope) => {
    acceptFormButtons(scope);
    registerActionRoutes(scope, deps.services);
    registerConfirmRoutes(scope, deps.services, { secureCookies: deps.secureCookies ?? false });
  });
  await typed.register(async (scope) => {
    registerAuthRoutes(scope, deps.services, { rateLimit: deps.authRateLimit ?? 10, secureCookies: deps.secureCookies ?? false });
    registerFeedRoute(scope, deps.services, { rateLimit: deps.feedRateLimit ?? 60 });
  });
  await app.register(async (scope) => registerCaldavRoutes(scope, deps.services));
  await typed.register(async (scope) => {
    scope.decorateRequest('principal', null);
    scope.addHook('onRequest', (request) => authenticate(deps.services.auth, request));
    registerMeRoutes(scope, deps.services);
    registerTokenRoutes(scope, deps.services);
    registerTaskRoutes(scope, deps.services);
    registerProjectRoutes(scope, deps.services);
    registerCommentRoutes(scope, deps.services);
    registerSharingRoutes(scope, deps.services);
    registerLabelRoutes(scope, deps.services.tags, 'tags');
    registerRecurrenceRoutes(scope, deps.services);
    registerNotificationRoutes(scope, deps.services, deps.sse);
    registerWebhookRoutes(scope, deps.services);
    registerCalendarFeedRoutes(scope, deps.services);
    registerPushRoutes(scope, deps.services);
    registerInteropRoutes(scope, deps.services);
    registerAdminRoutes(scope, {
      services: deps.services,
      ...(deps.replayDeadLetter ? { replayDeadLetter: deps.replayDeadLetter } : {}),
    });
  });
  return app;
}
