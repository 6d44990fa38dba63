/**
 * The app side of the sidecar's calls, as a Fastify plugin:
 * `GET /dapr/subscribe`, the delivery routes of the bus, `POST /job/:name`. When an app token
 * (`APP_API_TOKEN`) is configured, every call must carry it as `dapr-api-token`, else 401.
 * Register it un-prefixed: the paths are the ones Dapr calls.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { CloudEvent } from '@todo/domain';
import type { DaprEventBus } from './event-bus.js';
import type { DaprJobScheduler } from './job-scheduler.js';

export interface DaprCallbacksOptions {
  bus?: DaprEventBus | undefined;
  jobs?: DaprJobScheduler | undefined;
  /** `APP_API_TOKEN`: the token daprd sends to the app. */
  appApiToken?: string | undefined;
}

const sameToken = (expected: string, given: unknown): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
};

const parseJson = (body: string): unknown => (body.trim() === '' ? null : JSON.parse(body));

const isCloudEvent = (value: unknown): value is CloudEvent =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  typeof (value as { type?: unknown }).type === 'string';

export function daprCallbacks(options: DaprCallbacksOptions): FastifyPluginAsync {
  const { bus, jobs, appApiToken } = options;
  return async (app) => {
    // Dapr delivers events as `application/cloudevents+json`, which Fastify does not parse by itself;
    // a job without data arrives as an empty `application/json` body, which Fastify's own parser
    // rejects. Encapsulated: only these routes.
    app.removeContentTypeParser(['application/json']);
    app.addContentTypeParser(['application/json', 'application/cloudevents+json'], { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseJson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    if (appApiToken) {
      app.addHook('onRequest', async (request, reply) => {
        if (!sameToken(appApiToken, request.headers['dapr-api-token'])) {
          return reply.code(401).send({ error: 'missing or wrong dapr-api-token' });
        }
        return undefined;
      });
    }

    app.get('/dapr/subscribe', async () => bus?.subscriptions() ?? []);

    if (bus) {
      app.post(bus.ignoredRoute, async () => ({ status: 'SUCCESS' }));
      app.post<{ Params: { topic: string } }>(`${bus.routePrefix}/:topic`, async (request) => {
        const event = request.body;
        // Not a CloudEvent: it can never be handled, so let Dapr dead-letter it.
        if (!isCloudEvent(event)) return { status: 'DROP' };
        return { status: await bus.deliver(request.params.topic, event) };
      });
    }

    if (jobs) {
      app.post<{ Params: { name: string } }>('/job/:name', async (request, reply) => {
        const outcome = await jobs.fire(request.params.name, request.body ?? null);
        if (outcome === 'retry') return reply.code(500).send({ error: 'job failed; retry' });
        return reply.code(200).send({});
      });
    }
  };
}
