/** The HTTP surfaces besides the API: health probes of processes without it, and metrics. */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { App } from './app.js';
import { registerHealthRoutes, type ReadinessCheck } from './routes/health.routes.js';

export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

/** Liveness and readiness only, for a process without the API role. */
export function createHealthApp(deps: { logger: Logger; readiness: ReadinessCheck[] }): App {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }) as unknown as App;
  registerHealthRoutes(app as never, deps.readiness);
  return app;
}

/**
 * Prometheus `/metrics`, on a port of its own (METRICS_PORT): what the event pipeline and the
 * users do is not for whoever reaches the API port. The chart points the scraper at this port
 * and leaves it out of the Service the Ingress routes to.
 */
export function createMetricsApp(deps: { logger: Logger; metrics: MetricsSource }): App {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }) as unknown as App;
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
  return app;
}
