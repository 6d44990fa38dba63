/**
 * The three ports that hide how events, jobs and key/value state travel. The
 * embedded runtime implements them over the database; the Dapr runtime over the sidecar.
 * Both pass the same contract suites (`../test/*.contract.ts`).
 */
import type { CloudEvent, Topic } from '@todo/domain';

/** What a handler decides about one delivery. A thrown error counts as `retry`. */
export type HandlerOutcome = 'ack' | 'retry' | 'drop';

export type EventHandler = (event: CloudEvent) => Promise<HandlerOutcome>;

export interface SubscribeOptions {
  /** Stable name of the consuming role, e.g. `notifier`; deliveries are tracked per name. */
  name: string;
  /** Only these CloudEvent types reach the handler (the Dapr runtime routes with CEL rules). */
  types?: readonly string[];
  /** Where events go once their retry budget is spent; default `<topic>-dlq`. */
  deadLetterTopic?: string;
  /**
   * A path of property names from the event's root (e.g. `['data', 'task', 'reminders']`) at
   * which the event must hold a value that is not empty (not missing, null, `[]`, `{}` or `''`),
   * for a handler with nothing to do for most events of its types: the embedded bus then queues
   * only those. Other buses may deliver every event, so the handler must still ignore the rest.
   */
  nonEmpty?: readonly string[];
  /**
   * Events of this subscription one process handles at once (the embedded bus's own default
   * otherwise): more for a handler that mostly waits on something slow (an SMTP server), or to
   * give one subscription a larger share of the database than another during a burst. Events of
   * one partition key still run one after another. The Dapr bus ignores it: the sidecar's
   * `--app-max-concurrency` bounds the app's deliveries there.
   */
  concurrency?: number;
}

export interface EventBus {
  /** Queues an event for delivery. Never delivers inside this call. */
  publish(topic: Topic | string, event: CloudEvent, options?: { key?: string }): Promise<void>;
  /** Registers a handler; call before `start()`. One handler per (topic, name). */
  subscribe(topic: Topic | string, handler: EventHandler, options: SubscribeOptions): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface JobRequest {
  dueTime: Date;
  data: unknown;
}

export type JobHandler = (name: string, data: unknown) => Promise<HandlerOutcome>;

export interface JobScheduler {
  /** Creates or replaces (by name) a one-shot job. */
  schedule(name: string, job: JobRequest): Promise<void>;
  /** Removes a job; removing a missing job is not an error. */
  cancel(name: string): Promise<void>;
  /** The single handler for fired jobs of this process. At-least-once; one replica fires each job. */
  onJob(handler: JobHandler): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StateEntry<V = unknown> {
  value: V;
  etag: string;
}

export interface SetOptions {
  /** Write only if the stored etag still matches (optimistic concurrency). */
  etag?: string;
  /** Write only if the key does not exist yet. */
  firstWrite?: boolean;
}

export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`state for "${key}" changed or already exists`);
    this.name = 'StateConflictError';
  }
}

export interface StateStore {
  get<V = unknown>(key: string): Promise<StateEntry<V> | null>;
  /** Returns the new etag; throws StateConflictError when `etag`/`firstWrite` is not met. */
  set(key: string, value: unknown, options?: SetOptions): Promise<string>;
  delete(key: string, options?: { etag?: string }): Promise<void>;
}

/**
 * Thrown by a handler for an event that can never succeed (a poison event: invalid payload,
 * unknown type). The bus dead-letters it at once with this message as the reason instead of
 * spending the retry budget; nothing else stalls behind it.
 */
export class PoisonEventError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonEventError';
  }
}
