/**
 * Picks the runtime behind the three ports (docs/decisions/0006-embedded-and-dapr-runtimes.md). Embedded (default): the database is the
 * broker, the scheduler and the state store. `USE_DAPR=true`: the Dapr sidecar — pub/sub,
 * Jobs API, state API — with the outbox relay publishing through it. The roles cannot tell.
 */
import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from '@todo/api';
import type { Config } from '@todo/config';
import { TOPICS, deadLetterTopic, type Clock, type CloudEvent } from '@todo/domain';
import { EventLogService } from '@todo/services';
import type { Database, Store } from '@todo/storage';
import {
  DbEventBus,
  DbJobScheduler,
  DbStateStore,
  OutboxRelay,
  createDaprTransports,
  type EventBus,
  type JobScheduler,
  type Logger,
  type PublishedEvent,
  type StateStore,
} from '@todo/transport';
import { deadLetterRecorder } from './dead-letter-recorder.js';
import { LIVE_CHANNEL, LIVE_TYPES } from './live-fanout.js';

export interface Transports {
  kind: 'embedded' | 'dapr';
  bus: EventBus;
  jobs: JobScheduler;
  state: StateStore;
  /** What publishes outbox rows through the sidecar (Dapr only: embedded writers queue their events in place). */
  relay?: OutboxRelay;
  readiness: ReadinessCheck[];
  replayDeadLetter(id: string): Promise<boolean>;
  /** Mounts what the runtime needs on the process's HTTP server (the sidecar's callbacks). */
  mount(app: FastifyInstance): Promise<void>;
  start(usesJobs: boolean): Promise<void>;
  stop(): Promise<void>;
  /** Runs everything due by the clock until quiet (embedded runtime; tests). */
  drain(usesJobs: boolean): Promise<void>;
}

export interface TransportDeps {
  config: Readonly<Config>;
  database: Database;
  store: Store;
  clock: Clock;
  logger: Logger;
  onPublished?: (event: PublishedEvent) => void;
}

export function createTransports(deps: TransportDeps): Transports {
  return deps.config.useDapr ? daprTransports(deps) : embeddedTransports(deps);
}

function embeddedTransports({ database, clock, logger }: TransportDeps): Transports {
  const common = { db: database.db, clock, logger };
  // Live updates: the statement that queues an event announces it to every process's SSE
  // streams. Queued rows wake the subscriptions they are for, in every process, through
  // `notifications`. No relay: writers queue their events in place (`todo_queue_event`).
  const bus = new DbEventBus({
    ...common,
    announce: { channel: LIVE_CHANNEL, types: LIVE_TYPES },
    notifications: database.notifications,
  });
  const jobs = new DbJobScheduler(common);
  return {
    kind: 'embedded',
    bus,
    jobs,
    state: new DbStateStore({ db: database.db }),
    readiness: [],
    replayDeadLetter: (id) => bus.replayDeadLetter(id),
    mount: async () => undefined,
    start: async (usesJobs) => {
      await bus.start();
      if (usesJobs) await jobs.start();
    },
    stop: async () => {
      await jobs.stop();
      await bus.stop();
    },
    drain: async (usesJobs) => {
      for (let round = 0; round < 3; round++) {
        if (usesJobs) await jobs.drain();
        await bus.drain();
      }
    },
  };
}

function daprTransports({ config, database, store, clock, logger, onPublished }: TransportDeps): Transports {
  const dapr = createDaprTransports({
    httpPort: config.dapr.httpPort,
    pubsubName: config.dapr.pubsubName,
    statestoreName: config.dapr.statestoreName,
    apiToken: config.dapr.apiToken,
    appApiToken: config.dapr.appApiToken,
    logger,
  });
  const events = new EventLogService({ store, clock });
  const relay = new OutboxRelay({
    db: database.db,
    bus: dapr.bus,
    clock,
    logger,
    ...(onPublished ? { onPublished } : {}),
  });
  // What is dead-lettered goes to `<topic>-dlq` (by Dapr after its retries, by the bus for a
  // poison event); keep it where operators look.
  if (config.roles.includes('api')) {
    for (const topic of [TOPICS.taskEvents, TOPICS.taskReminders]) {
      dapr.bus.subscribe(deadLetterTopic(topic), deadLetterRecorder({ topic, events, clock, logger }), {
        name: 'dead-letter-recorder',
      });
    }
  }
  return {
    kind: 'dapr',
    bus: dapr.bus,
    jobs: dapr.jobs,
    state: dapr.state,
    relay,
    readiness: [{ name: 'dapr-sidecar', check: () => dapr.client.waitForOutbound({ timeoutMs: 1_000 }) }],
    replayDeadLetter: async (id) => {
      const row = await events.findDeadLetter(id);
      if (!row) return false;
      // Dapr keeps no dead-letter store: replay republishes to the original topic, whose
      // consumers de-duplicate by their natural keys.
      await dapr.bus.publish(row.topic, row.event as CloudEvent, { key: (row.event as CloudEvent).partitionkey ?? row.eventId });
      await events.markDeadLetterReplayed(id);
      return true;
    },
    mount: async (app) => {
      await app.register(dapr.callbacks);
    },
    start: async () => {
      // The sidecar must reach its components before the app publishes through it: daprd loads them only after start-up.
      await dapr.client.waitForOutbound();
      await dapr.bus.start();
      await dapr.jobs.start();
      await relay.start();
    },
    stop: async () => {
      await relay.stop();
      await dapr.jobs.stop();
      await dapr.bus.stop();
    },
    drain: () => Promise.reject(new Error('drain() is for the embedded runtime; the Dapr runtime runs on real time')),
  };
}
