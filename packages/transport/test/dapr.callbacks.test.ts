/**
 * The app side of the Dapr runtime: what `GET /dapr/subscribe` answers, how handler outcomes
 * become replies, how a poison event is dead-lettered with its
 * reason, and the API tokens in both directions with a
 * real daprd.
 */
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { createDaprTransports, DaprError, deadLetterNote, PoisonEventError, type HandlerOutcome } from '../src/index.js';
import { components, freePort, Sidecar, waitUntil } from './dapr.sidecar.js';
import { recordingLogger, testEvent, uniqueName } from './support.js';

vi.setConfig({ testTimeout: 60_000 });

/** A stand-in for the sidecar's publish API: records what it is asked, answers the queued statuses, then 204. */
async function fakeSidecar() {
  const server = Fastify();
  const published: { topic: string; partitionKey: unknown; contentType: unknown; event: Record<string, unknown> }[] = [];
  const fake = { port: 0, answers: [] as number[], published, close: () => server.close() };
  server.addContentTypeParser('application/cloudevents+json', { parseAs: 'string' }, (_r, body, done) =>
    done(null, JSON.parse(body as string)),
  );
  server.post<{ Params: { topic: string }; Querystring: Record<string, string> }>(
    '/v1.0/publish/pubsub/:topic',
    async (request, reply) => {
      published.push({
        topic: request.params.topic,
        partitionKey: request.query['metadata.partitionKey'],
        contentType: request.headers['content-type'],
        event: request.body as Record<string, unknown>,
      });
      return reply.code(fake.answers.shift() ?? 204).send();
    },
  );
  await server.listen({ host: '127.0.0.1', port: 0 });
  fake.port = (server.server.address() as { port: number }).port;
  return fake;
}

async function mounted(options: { appApiToken?: string } = {}) {
  const logger = recordingLogger();
  const transports = createDaprTransports({ httpPort: 1, logger, ...options });
  const app = Fastify();
  await app.register(transports.callbacks);
  return { app, logger, ...transports };
}

const deliver = (
  app: Awaited<ReturnType<typeof mounted>>['app'],
  path: string,
  event: unknown,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/cloudevents+json', ...headers },
    payload: JSON.stringify(event),
  });

describe('Dapr callbacks (app side)', () => {
  it('answers /dapr/subscribe with one subscription per topic: CEL routes, an ignore default, the dead-letter topic', async () => {
    const { app, bus } = await mounted();
    bus.subscribe('task-events', async () => 'ack', { name: 'recurring', types: ['todo.task.completed.v1'] });
    bus.subscribe('task-events', async () => 'ack', {
      name: 'notifier',
      types: ['todo.task.created.v1', 'todo.task.completed.v1'],
    });
    bus.subscribe('task-reminders', async () => 'ack', { name: 'mailer', deadLetterTopic: 'reminders-dead' });
    await bus.start();
    const res = await app.inject({ method: 'GET', url: '/dapr/subscribe' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        pubsubname: 'pubsub',
        topic: 'task-events',
        routes: {
          rules: [
            {
              match: 'event.type == "todo.task.completed.v1" || event.type == "todo.task.created.v1"',
              path: '/dapr/events/task-events',
            },
          ],
          default: '/dapr/events-ignored',
        },
        deadLetterTopic: 'task-events-dlq',
      },
      {
        pubsubname: 'pubsub',
        topic: 'task-reminders',
        routes: { default: '/dapr/events/task-reminders' },
        deadLetterTopic: 'reminders-dead',
      },
    ]);
    const ignored = await deliver(app, '/dapr/events-ignored', testEvent(new Date()));
    expect(ignored.json()).toEqual({ status: 'SUCCESS' });
  });

  it('refuses subscriptions after start and conflicting dead-letter topics on one topic', async () => {
    const { bus } = await mounted();
    bus.subscribe('t', async () => 'ack', { name: 'a' });
    expect(() => bus.subscribe('t', async () => 'ack', { name: 'a' })).toThrow(/already has/);
    expect(() => bus.subscribe('t', async () => 'ack', { name: 'b', deadLetterTopic: 'other' })).toThrow(/dead-letter/);
    await bus.start();
    expect(() => bus.subscribe('u', async () => 'ack', { name: 'c' })).toThrow(/after start/);
  });

  it('replies SUCCESS or RETRY per handler outcome, DROP for what is no CloudEvent, and does not re-run handlers that already acked', async () => {
    const { app, bus, logger } = await mounted();
    const calls: string[] = [];
    let picky: HandlerOutcome | 'throw' = 'retry';
    bus.subscribe('t', async () => (calls.push('steady'), 'ack'), { name: 'steady' });
    bus.subscribe(
      't',
      async () => {
        calls.push('picky');
        if (picky === 'throw') throw new Error('boom');
        return picky;
      },
      { name: 'picky' },
    );
    await bus.start();
    const event = testEvent(new Date());
    const status = async () => (await deliver(app, '/dapr/events/t', event)).json<{ status: string }>().status;
    expect(await status()).toBe('RETRY');
    picky = 'throw';
    expect(await status()).toBe('RETRY');
    picky = 'ack';
    expect(await status()).toBe('SUCCESS');
    expect(calls).toEqual(['steady', 'picky', 'picky', 'picky']);
    picky = 'drop';
    expect(await status()).toBe('SUCCESS');
    expect(logger.records.some((r) => r.level === 'warn' && r.msg === 'handler dropped the event')).toBe(true);
    expect((await deliver(app, '/dapr/events/t', { not: 'a cloudevent' })).json()).toEqual({ status: 'DROP' });
  });

  it('dead-letters a poison event itself, once per refusing handler, with the reason as extensions; RETRY while a publish fails', async () => {
    const sidecar = await fakeSidecar();
    const transports = createDaprTransports({ httpPort: sidecar.port, logger: recordingLogger() });
    const app = Fastify();
    await app.register(transports.callbacks);
    const calls: string[] = [];
    const refuse = (name: string) => async () => {
      calls.push(name);
      throw new PoisonEventError(`data.userId: invalid uuid (${name})`);
    };
    transports.bus.subscribe('task-events', async () => (calls.push('steady'), 'ack'), { name: 'steady' });
    transports.bus.subscribe('task-events', refuse('recurring'), { name: 'recurring' });
    transports.bus.subscribe('task-events', refuse('notifier'), { name: 'notifier' });
    await transports.bus.start();
    try {
      const event = testEvent(new Date(), { key: 'task-7' });
      const status = async () => (await deliver(app, '/dapr/events/task-events', event)).json<{ status: string }>().status;
      sidecar.answers.push(204, 500); // the second dead letter fails the first time
      expect(await status()).toBe('RETRY');
      expect(await status()).toBe('SUCCESS');
      // The redelivery only published the missing dead letter: every handler had answered.
      expect(calls.sort()).toEqual(['notifier', 'recurring', 'steady']);
      const letter = (subscription: string) => ({
        topic: 'task-events-dlq',
        partitionKey: 'task-7',
        contentType: 'application/cloudevents+json',
        event: {
          ...event,
          deadletterreason: `data.userId: invalid uuid (${subscription})`,
          deadlettersubscription: subscription,
          deadlettertopic: 'task-events',
        },
      });
      expect(sidecar.published).toEqual([letter('recurring'), letter('notifier'), letter('notifier')]);
      expect(deadLetterNote(sidecar.published[0]!.event)).toEqual({
        reason: 'data.userId: invalid uuid (recurring)',
        subscription: 'recurring',
        topic: 'task-events',
      });
      expect(deadLetterNote(event)).toBeNull();
    } finally {
      await transports.bus.stop();
      await app.close();
      await sidecar.close();
    }
  });

  it('holds a delivery that arrives before publish() returned until it has', async () => {
    const sidecar = Fastify();
    let deliveredDuringPublish: Promise<unknown> | undefined;
    const order: string[] = [];
    const httpPort = await new Promise<number>((resolve) => {
      sidecar.post('/v1.0/publish/pubsub/:topic', async (request, reply) => {
        // The broker is faster than the sidecar's answer: the event reaches the app first.
        deliveredDuringPublish = deliver(app, '/dapr/events/t', request.body);
        await new Promise((r) => setTimeout(r, 100));
        return reply.code(204).send();
      });
      sidecar.addContentTypeParser('application/cloudevents+json', { parseAs: 'string' }, (_r, body, done) =>
        done(null, JSON.parse(body as string)),
      );
      void sidecar
        .listen({ host: '127.0.0.1', port: 0 })
        .then(() => resolve((sidecar.server.address() as { port: number }).port));
    });
    const transports = createDaprTransports({ httpPort, logger: recordingLogger() });
    const app = Fastify();
    await app.register(transports.callbacks);
    transports.bus.subscribe('t', async () => (order.push('handler'), 'ack'), { name: 's' });
    await transports.bus.start();
    try {
      await transports.bus.publish('t', testEvent(new Date()));
      order.push('publish returned');
      const reply = (await deliveredDuringPublish) as { json(): unknown };
      expect(reply.json()).toEqual({ status: 'SUCCESS' });
      expect(order).toEqual(['publish returned', 'handler']);
    } finally {
      await sidecar.close();
    }
  });

  it('answers a job trigger 200 when done and 500 to have Dapr retry it; an empty body is null data', async () => {
    const { app, jobs } = await mounted();
    const outcomes: (HandlerOutcome | 'poison')[] = ['retry', 'ack', 'drop', 'poison'];
    const seen: unknown[] = [];
    jobs.onJob(async (_name, data) => {
      seen.push(data);
      const next = outcomes.shift();
      if (next === 'poison') throw new PoisonEventError('not a reminder');
      return next ?? 'ack';
    });
    await jobs.start();
    const fire = (payload: string) =>
      app.inject({ method: 'POST', url: '/job/reminder-1', headers: { 'content-type': 'application/json' }, payload });
    expect((await fire('{"n":1}')).statusCode).toBe(500);
    expect((await fire('{"n":1}')).statusCode).toBe(200);
    expect((await fire('"text"')).statusCode).toBe(200);
    expect((await fire('')).statusCode).toBe(200);
    expect(seen).toEqual([{ n: 1 }, { n: 1 }, 'text', null]);
  });

  it('requires the app token on every call from the sidecar when one is configured', async () => {
    const { app } = await mounted({ appApiToken: 'app-secret' });
    expect((await app.inject({ method: 'GET', url: '/dapr/subscribe' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/dapr/subscribe', headers: { 'dapr-api-token': 'wrong' } })).statusCode).toBe(
      401,
    );
    expect(
      (await app.inject({ method: 'GET', url: '/dapr/subscribe', headers: { 'dapr-api-token': 'app-secret' } })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/job/x', payload: {} })).statusCode).toBe(401);
  });

  it('works end to end with DAPR_API_TOKEN and APP_API_TOKEN on a real daprd', async () => {
    const httpPort = await freePort();
    const logger = recordingLogger();
    const transports = createDaprTransports({ httpPort, logger, apiToken: 'api-secret', appApiToken: 'app-secret' });
    const app = Fastify();
    await app.register(transports.callbacks);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const appPort = typeof address === 'object' && address ? address.port : 0;
    const topic = uniqueName('secured');
    const seen: string[] = [];
    transports.bus.subscribe(topic, async (e) => (seen.push(e.id), 'ack'), { name: 'reader' });
    await transports.bus.start();
    const appId = uniqueName('tokens');
    const sidecar = await Sidecar.start({
      appId,
      appPort,
      httpPort,
      env: { DAPR_API_TOKEN: 'api-secret', APP_API_TOKEN: 'app-secret' },
      resources: { 'pubsub.yaml': components.pubsub('redis') },
    });
    try {
      await transports.client.waitForOutbound();
      const event = testEvent(new Date());
      await transports.bus.publish(topic, event);
      expect(await waitUntil(() => seen.length > 0, 10_000)).toBe(true);
      expect(seen).toEqual([event.id]);
      const error = await sidecar.client.publish('pubsub', topic, testEvent(new Date())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaprError);
      expect((error as DaprError).status).toBe(401);
    } finally {
      await transports.bus.stop();
      await sidecar.stop();
      await app.close();
    }
  });
});
