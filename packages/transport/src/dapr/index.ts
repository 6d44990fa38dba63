/**
 * The Dapr runtime of the three ports (`USE_DAPR=true`): our own fetch client to the
 * sidecar and a Fastify plugin for the sidecar's calls to the app.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logger.js';
import { daprCallbacks } from './callbacks.js';
import { DaprClient } from './client.js';
import { DaprEventBus } from './event-bus.js';
import { DaprJobScheduler, type DaprJobFailurePolicy } from './job-scheduler.js';
import { DaprStateStore } from './state-store.js';

export interface DaprTransportsOptions {
  /** `DAPR_HTTP_PORT` (default 3500). */
  httpPort?: number;
  /** `PUBSUB_NAME` (default `pubsub`). */
  pubsubName?: string;
  /** `STATESTORE_NAME` (default `statestore`). */
  statestoreName?: string;
  /** `DAPR_API_TOKEN`: sent to the sidecar. */
  apiToken?: string | undefined;
  /** `APP_API_TOKEN`: required on the sidecar's calls to the app. */
  appApiToken?: string | undefined;
  logger: Logger;
  /** Per-request timeout towards the sidecar. */
  timeoutMs?: number;
  /** Retry policy of scheduled jobs; omitted = Dapr's default (constant 1 s, 3 retries). */
  jobFailurePolicy?: DaprJobFailurePolicy;
}

export interface DaprTransports {
  client: DaprClient;
  bus: DaprEventBus;
  jobs: DaprJobScheduler;
  state: DaprStateStore;
  /** Mount on the app's server: `app.register(callbacks)`. */
  callbacks: FastifyPluginAsync;
}

export function createDaprTransports(options: DaprTransportsOptions): DaprTransports {
  const client = new DaprClient({
    httpPort: options.httpPort ?? 3500,
    apiToken: options.apiToken,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const bus = new DaprEventBus({ client, pubsubName: options.pubsubName ?? 'pubsub', logger: options.logger });
  const jobs = new DaprJobScheduler({
    client,
    logger: options.logger,
    ...(options.jobFailurePolicy ? { failurePolicy: options.jobFailurePolicy } : {}),
  });
  const state = new DaprStateStore({ client, storeName: options.statestoreName ?? 'statestore' });
  const callbacks = daprCallbacks({ bus, jobs, appApiToken: options.appApiToken });
  return { client, bus, jobs, state, callbacks };
}

export { daprCallbacks, type DaprCallbacksOptions } from './callbacks.js';
export { DaprClient, DaprError, type DaprClientOptions, type DaprRequest, type DaprResponse } from './client.js';
export {
  DaprEventBus,
  DEAD_LETTER_EXTENSIONS,
  deadLetterNote,
  type DaprDeliveryStatus,
  type DaprEventBusOptions,
  type DaprSubscription,
  type DeadLetterNote,
} from './event-bus.js';
export { DaprJobScheduler, type DaprJobFailurePolicy, type DaprJobReply, type DaprJobSchedulerOptions } from './job-scheduler.js';
export { DaprStateStore, type DaprStateStoreOptions } from './state-store.js';
