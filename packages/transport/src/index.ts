/**
 * @module @todo/transport — the EventBus, JobScheduler and StateStore ports and
 * their embedded, database-backed implementations.
 * @example
 *   const bus = new DbEventBus({ db: database.db, clock: systemClock, logger });
 *   bus.subscribe(TOPICS.taskEvents, handler, { name: 'notifier' });
 *   await bus.start();
 */
export {
  PoisonEventError,
  StateConflictError,
  type EventBus,
  type EventHandler,
  type HandlerOutcome,
  type JobHandler,
  type JobRequest,
  type JobScheduler,
  type SetOptions,
  type StateEntry,
  type StateStore,
  type SubscribeOptions,
} from './ports.js';
export { silentLogger, type Logger } from './logger.js';
export { periodic, type Periodic } from './periodic.js';
export { defaultBackoff, exponentialBackoff, type Backoff } from './in-process/backoff.js';
export { announceEvents, type AnnouncedEvent } from './in-process/delivery-store.js';
export { DbEventBus, type Announcement, type DbEventBusOptions } from './in-process/db-event-bus.js';
export { DbJobScheduler, type DbJobSchedulerOptions } from './in-process/db-job-scheduler.js';
export { DbStateStore } from './in-process/db-state-store.js';
export { OutboxRelay, type OutboxRelayOptions, type PublishedEvent } from './in-process/outbox-relay.js';
export {
  createDaprTransports,
  daprCallbacks,
  DaprClient,
  DaprError,
  DaprEventBus,
  DaprJobScheduler,
  DaprStateStore,
  DEAD_LETTER_EXTENSIONS,
  deadLetterNote,
  type DaprCallbacksOptions,
  type DaprClientOptions,
  type DaprDeliveryStatus,
  type DaprEventBusOptions,
  type DaprJobFailurePolicy,
  type DaprJobReply,
  type DaprJobSchedulerOptions,
  type DaprRequest,
  type DaprResponse,
  type DaprStateStoreOptions,
  type DaprSubscription,
  type DaprTransports,
  type DaprTransportsOptions,
  type DeadLetterNote,
} from './dapr/index.js';
