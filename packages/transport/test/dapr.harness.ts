/**
 * Harnesses that run the EventBus and JobScheduler contracts against a real daprd (the state
 * store needs none: see dapr.state.test.ts). Dapr has no test clock, so time really passes:
 *
 * - Event bus: `advance(ms)` sleeps `ms`; `settle()` polls until every event published through
 *   the harness reached every subscription that wants it, the retries and dead letters Dapr owes
 *   by now have arrived, nothing is in flight, and no delivery came for QUIET_MS. The retry
 *   budget is the Resiliency inbound policy the harness renders: MAX_ATTEMPTS attempts, RETRY_MS
 *   apart. settle() only waits longer when Dapr is late; it never makes a missing delivery pass.
 * - Job scheduler: the harness clock runs SPEED× faster than the wall clock (the contract talks
 *   in minutes): `now()` is virtual, due times are mapped to wall time when scheduled, and
 *   `advance(ms)` sleeps ms/SPEED. `settle()` waits for the jobs (and retries, per the failure
 *   policy the scheduler was built with) due by now.
 *
 * daprd reads subscriptions once, when the app port opens, not again, so the bus
 * harness starts its sidecar in `bus.start()`, after the test subscribed.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createDaprTransports,
  deadLetterNote,
  PoisonEventError,
  type DaprTransports,
  type EventBus,
  type HandlerOutcome,
  type JobHandler,
  type JobScheduler,
  type Logger,
} from '../src/index.js';
import type { EventBusHarness } from './event-bus.contract.js';
import type { JobSchedulerHarness } from './job-scheduler.contract.js';
import { components, freePort, Sidecar, sleep, waitUntil, type Broker } from './dapr.sidecar.js';
import { recordingLogger, testEvent } from './support.js';

export const MAX_ATTEMPTS = 4;
export const RETRY_MS = 1_000;
export const QUIET_MS = 300;
/** Wall-clock slack when deciding what is due "now". */
const DUE_SLACK_MS = 100;

const shortId = () => randomUUID().slice(0, 8);

async function listen(transports: DaprTransports): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify();
  await app.register(transports.callbacks);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('test app has no port');
  return { app, port: address.port };
}

export function daprBusHarness(broker: Broker, logger: Logger = recordingLogger()): () => Promise<EventBusHarness> {
  return async () => {
    const appId = `bus-${broker}-${shortId()}`;
    const httpPort = await freePort();
    const transports = createDaprTransports({ httpPort, logger });
    const { app, port } = await listen(transports);
    let sidecar: Sidecar | undefined;

    const subscriptions: { topic: string; name: string; types: readonly string[] | undefined }[] = [];
    const published: { topic: string; id: string; type: string }[] = [];
    const seen = new Set<string>();
    const attempts = new Map<string, number>();
    /** Redeliveries Dapr owes: subscription+event → wall time the retry is due. */
    const redeliveries = new Map<string, number>();
    let inFlight = 0;
    let lastDelivery = 0;
    const mark = (topic: string, name: string, id: string) => `${topic}\u0000${name}\u0000${id}`;

    const bus: EventBus = {
      publish: (topic, event, options) => transports.bus.publish(topic, event, options),
      subscribe(topic, handler, options) {
        subscriptions.push({ topic, name: options.name, types: options.types });
        transports.bus.subscribe(
          topic,
          async (event) => {
            const key = mark(topic, options.name, event.id);
            inFlight++;
            seen.add(key);
            redeliveries.delete(key);
            const attempt = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, attempt);
            let outcome: HandlerOutcome | 'poison' = 'retry';
            try {
              outcome = await handler(event);
              return outcome;
            } catch (error) {
              if (error instanceof PoisonEventError) outcome = 'poison';
              throw error;
            } finally {
              // What comes next, so that settle() waits for it rather than for a fixed time: Dapr's
              // retry RETRY_MS after this answer, or, once the budget is spent, Dapr's publish to the
              // dead-letter topic; for a poison event, the bus's own publish there, with the reason.
              if (outcome === 'retry' && attempt < MAX_ATTEMPTS) redeliveries.set(key, Date.now() + RETRY_MS);
              else if (outcome === 'retry' || outcome === 'poison') {
                published.push({ topic: options.deadLetterTopic ?? `${topic}-dlq`, id: event.id, type: event.type });
              }
              inFlight--;
              lastDelivery = Date.now();
            }
          },
          options,
        );
      },
      async start() {
        await transports.bus.start();
        sidecar = await Sidecar.start({
          appId,
          appPort: port,
          httpPort,
          resources: {
            'pubsub.yaml': components.pubsub(broker),
            'resiliency.yaml': components.resiliency(appId, MAX_ATTEMPTS - 1, RETRY_MS),
          },
        });
        const topics = new Set(subscriptions.map((s) => s.topic)).size;
        const loaded = async () => {
          const res = await transports.client.request('GET', '/v1.0/metadata');
          return ((JSON.parse(res.text) as { subscriptions?: unknown[] }).subscriptions ?? []).length;
        };
        const deadline = Date.now() + 15_000;
        while ((await loaded()) < topics) {
          if (Date.now() > deadline) throw new Error(`daprd did not load ${topics} subscriptions:\n${sidecar.output}`);
          await sleep(50);
        }
      },
      stop: () => transports.bus.stop(),
    };

    const delivered = () =>
      published.every(({ topic, id, type }) =>
        subscriptions
          .filter((s) => s.topic === topic && (!s.types || s.types.includes(type)))
          .every((s) => seen.has(mark(topic, s.name, id))),
      );
    const settle = async () => {
      // The first delivery on a fresh Kafka topic waits for the consumer group to be assigned.
      const owed = () => {
        const horizon = Date.now() + DUE_SLACK_MS;
        for (const due of redeliveries.values()) if (due <= horizon) return true;
        return false;
      };
      await waitUntil(
        () => delivered() && !owed() && inFlight === 0 && Date.now() - lastDelivery >= QUIET_MS,
        broker === 'kafka' ? 30_000 : 15_000,
      );
    };

    return {
      bus,
      maxAttempts: MAX_ATTEMPTS,
      backoffMs: () => RETRY_MS,
      async publishEvent(topic, init = {}) {
        const event = testEvent(new Date(), init);
        published.push({ topic, id: event.id, type: event.type });
        await bus.publish(topic, event, init.key ? { key: init.key } : {});
        return event;
      },
      async advance(ms) {
        await sleep(ms);
        await settle();
      },
      settle,
      // The reason travels on the dead letter itself (the bus's CloudEvent extensions).
      readDeadLetter: deadLetterNote,
      async close() {
        await transports.bus.stop();
        await sidecar?.stop();
        await app.close();
      },
    };
  };
}

/** Virtual harness milliseconds per wall-clock millisecond for the job scheduler. */
export const SPEED = 60;

export function daprJobHarness(): () => Promise<JobSchedulerHarness> {
  return async () => {
    const appId = `jobs-${shortId()}`;
    const realStart = Date.now();
    const toVirtual = (real: number) => realStart + (real - realStart) * SPEED;
    const toReal = (virtual: number) => realStart + (virtual - realStart) / SPEED;
    const policy = { intervalMs: RETRY_MS, maxRetries: MAX_ATTEMPTS - 1 };

    const jobs = new Map<string, { realDue: number; fired: boolean; cancelled: boolean }>();
    const retries = new Map<string, { attempts: number; realDue: number | undefined }>();
    let inFlight = 0;

    interface Instance {
      transports: DaprTransports;
      app: FastifyInstance;
      sidecar: Sidecar;
      scheduler: JobScheduler;
    }
    const createInstance = async (): Promise<Instance> => {
      const httpPort = await freePort();
      const transports = createDaprTransports({ httpPort, logger: recordingLogger(), jobFailurePolicy: policy });
      const { app, port } = await listen(transports);
      const sidecar = await Sidecar.start({ appId, appPort: port, httpPort, resources: {} });
      const scheduler: JobScheduler = {
        async schedule(name, job) {
          jobs.set(name, { realDue: toReal(job.dueTime.getTime()), fired: false, cancelled: false });
          retries.delete(name);
          await transports.jobs.schedule(name, { dueTime: new Date(toReal(job.dueTime.getTime())), data: job.data });
        },
        async cancel(name) {
          const job = jobs.get(name);
          if (job) job.cancelled = true;
          retries.delete(name);
          await transports.jobs.cancel(name);
        },
        onJob(handler: JobHandler) {
          transports.jobs.onJob(async (name, data) => {
            inFlight++;
            const job = jobs.get(name);
            if (job) job.fired = true;
            const retry = retries.get(name) ?? { attempts: 0, realDue: undefined };
            retry.attempts++;
            retry.realDue = undefined;
            retries.set(name, retry);
            let outcome: HandlerOutcome | 'poison' = 'retry';
            try {
              outcome = await handler(name, data);
              return outcome;
            } catch (error) {
              if (error instanceof PoisonEventError) outcome = 'poison';
              throw error;
            } finally {
              // The failure policy brings a failed job back RETRY_MS after this answer.
              if (outcome === 'retry' && retry.attempts < MAX_ATTEMPTS && retries.get(name) === retry) {
                retry.realDue = Date.now() + RETRY_MS;
              }
              inFlight--;
            }
          });
        },
        start: () => transports.jobs.start(),
        stop: () => transports.jobs.stop(),
      };
      return { transports, app, sidecar, scheduler };
    };
    const stopInstance = async ({ transports, app, sidecar }: Instance) => {
      await transports.jobs.stop();
      await sidecar.stop();
      await app.close();
    };

    let instance = await createInstance();
    const settle = async () => {
      const pending = () => {
        const horizon = Date.now() + DUE_SLACK_MS;
        for (const job of jobs.values()) if (!job.fired && !job.cancelled && job.realDue <= horizon) return true;
        for (const retry of retries.values()) if (retry.realDue !== undefined && retry.realDue <= horizon) return true;
        return inFlight > 0;
      };
      await waitUntil(() => !pending(), 15_000);
      await sleep(50);
    };

    return {
      get scheduler() {
        return instance.scheduler;
      },
      now: () => new Date(toVirtual(Date.now())),
      maxAttempts: MAX_ATTEMPTS,
      backoffMs: () => RETRY_MS * SPEED,
      async advance(ms) {
        await sleep(ms / SPEED);
        await settle();
      },
      settle,
      async restart() {
        await stopInstance(instance);
        instance = await createInstance();
      },
      async close() {
        // Jobs of this app-id that never fired would stay staged in the shared scheduler.
        await Promise.allSettled(
          [...jobs.entries()].filter(([, j]) => !j.fired && !j.cancelled).map(([name]) => instance.transports.jobs.cancel(name)),
        );
        await stopInstance(instance);
      },
    };
  };
}
