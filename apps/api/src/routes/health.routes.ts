/** Liveness says the process answers; readiness says its dependencies answer too. */
import type { TypedApp } from '../typed-app.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export function registerHealthRoutes(app: TypedApp, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          await c.check();
          return [c.name, 'ok'] as const;
        } catch (error) {
          return [c.name, error instanceof Error ? error.message : 'failed'] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
}
