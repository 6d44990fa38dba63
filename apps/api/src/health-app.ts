/** The HTTP surface of a process without the API role: liveness and readiness only. */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { App } from './app.js';
import { registerHealthRoutes, type MetricsSource, type ReadinessCheck } from './routes/health.routes.js';

export function createHealthApp(deps: { logger: Logger; readiness: ReadinessCheck[]; metrics?: MetricsSource }): App {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }) as unknown as App;
  registerHealthRoutes(app as never, deps.readiness, deps.metrics);
  return app;
}
