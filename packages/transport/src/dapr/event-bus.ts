/**
 * EventBus over Dapr pub/sub (publish, programmatic subscription, per-message replies).
 *
 * Dapr allows one subscription per (pubsub, topic) per app-id, and all replicas of an app-id
 * share one consumer group. So the bus subscribes once per topic and fans each delivery out to
 * the handlers registered on that topic, concurrently. A handler that already acked an event is
 * not called again when Dapr redelivers it because another handler asked for a retry (an
 * in-memory, bounded record per event id; after a restart a redelivery may reach it again,
 * which at-least-once allows).
 *
 * Outcomes → reply to the sidecar (`200 {status}`: the status in the body decides, not the HTTP code):
 * - every handler acked or dropped → SUCCESS (a drop is only logged: Dapr's DROP would send the
 *   event to the dead-letter topic, dapr/dapr#7097);
 * - a handler answered 'retry' or threw → RETRY (Dapr's inbound resiliency policy retries; when it
 *   gives up, Dapr publishes the event to the subscription's `deadLetterTopic` as it was, so
 *   those dead letters carry no reason: Dapr never saw one);
 * - a handler threw `PoisonEventError` (and none wants a retry) → the bus publishes the event to
 *   the dead-letter topic itself, once per refusing handler, same id and partition key, with the
 *   reason as CloudEvent extensions (`DEAD_LETTER_EXTENSIONS`: sent as `application/cloudevents+json`,
 *   Dapr keeps attributes it does not know), then replies SUCCESS. Dapr's DROP would
 *   dead-letter it too, but without the reason. If a publish fails → RETRY: the event comes back,
 *   only the missing dead letters are published again, and nothing is lost.
 */
import type { CloudEvent, Topic } from '@todo/domain';
import type { Logger } from '../logger.js';
import { PoisonEventError, type EventBus, type EventHandler, type SubscribeOptions } from '../ports.js';
import type { DaprClient } from './client.js';

export type DaprDeliveryStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/**
 * The CloudEvent extension attributes a dead letter carries when the bus dead-lettered it as
 * poison (CloudEvents 1.0 attribute names may only hold a–z and 0–9).
 */
export const DEAD_LETTER_EXTENSIONS = {
  reason: 'deadletterreason',
  subscription: 'deadlettersubscription',
  topic: 'deadlettertopic',
} as const;

/** Why an event was dead-lettered, as its extensions tell; absent when Dapr dead-lettered it after its retries. */
export interface DeadLetterNote {
  reason: string;
  subscription: string;
  /** The topic the event was first published to. */
  topic: string;
}

/** Reads the note the bus attached to a poison event on the dead-letter topic; null if it has none. */
export function deadLetterNote(event: object): DeadLetterNote | null {
  const attributes = event as Record<string, unknown>;
  const [reason, subscription, topic] = [
    attributes[DEAD_LETTER_EXTENSIONS.reason],
    attributes[DEAD_LETTER_EXTENSIONS.subscription],
    attributes[DEAD_LETTER_EXTENSIONS.topic],
  ];
  if (typeof reason !== 'string' || typeof subscription !== 'string' || typeof topic !== 'string') return null;
  return { reason, subscription, topic };
}

/** One entry of the app's `GET /dapr/subscribe` answer (Dapr's programmatic subscription, v2 routes). */
export interface DaprSubscription {
  pubsubname: string;
  topic: string;
  routes: { rules?: { match: string; path: string }[]; default: string };
  deadLetterTopic: string;
  metadata?: Record<string, string>;
}

export interface DaprEventBusOptions {
  client: DaprClient;
  /** Component name; always `pubsub` in our deployments, so swapping brokers changes no config. */
  pubsubName: string;
  logger: Logger;
  /** Path prefix of the delivery routes on the app; default `/dapr/events`. */
  routePrefix?: string;
  /** How many partially handled events to remember (default 10 000) and for how long (default 1 h). */
  progressLimit?: number;
  progressTtlMs?: number;
}

interface Subscriber {
  name: string;
  handler: EventHandler;
  types: ReadonlySet<string> | undefined;
}

interface TopicSubscription {
  topic: string;
  deadLetterTopic: string;
  subscribers: Subscriber[];
}

interface Progress {
  done: Set<string>;
  /** Handlers that called the event poison → why; each leaves once its dead letter is published. */
  poison: Map<string, string>;
  at: number;
}

type Result = { name: string; outcome: 'ack' | 'drop' | 'retry' | 'poison'; reason?: string };

const publishKey = (topic: string, eventId: string) => `${topic}\u0000${eventId}`;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class DaprEventBus implements EventBus {
  readonly pubsubName: string;
  readonly routePrefix: string;
  /** The route that acks events of types no handler of the topic wants (the CEL default route). */
  readonly ignoredRoute: string;
  private readonly client: DaprClient;
  private readonly logger: Logger;
  private readonly topics = new Map<string, TopicSubscription>();
  private readonly progress = new Map<string, Progress>();
  private readonly progressLimit: number;
  private readonly progressTtlMs: number;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Publishes under way, by topic and event id. */
  private readonly publishing = new Map<string, Promise<unknown>>();

  constructor(options: DaprEventBusOptions) {
    this.client = options.client;
    this.pubsubName = options.pubsubName;
    this.logger = options.logger;
    this.routePrefix = options.routePrefix ?? '/dapr/events';
    this.ignoredRoute = `${this.routePrefix}-ignored`;
    this.progressLimit = options.progressLimit ?? 10_000;
    this.progressTtlMs = options.progressTtlMs ?? 3_600_000;
  }

  async publish(topic: Topic | string, event: CloudEvent, options: { key?: string } = {}): Promise<void> {
    const sent = this.client.publish(this.pubsubName, topic, event, { partitionKey: options.key ?? event.partitionkey });
    const key = publishKey(topic, event.id);
    this.publishing.set(key, sent);
    try {
      await sent;
    } finally {
      if (this.publishing.get(key) === sent) this.publishing.delete(key);
    }
  }

  subscribe(topic: Topic | string, handler: EventHandler, options: SubscribeOptions): void {
    if (this.state !== 'new')
      throw new Error(`subscribe("${topic}", "${options.name}") after start: Dapr reads subscriptions once`);
    const deadLetterTopic = options.deadLetterTopic ?? `${topic}-dlq`;
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { topic, deadLetterTopic, subscribers: [] };
      this.topics.set(topic, entry);
    } else if (entry.deadLetterTopic !== deadLetterTopic) {
      throw new Error(
        `topic "${topic}": subscription "${options.name}" names dead-letter topic "${deadLetterTopic}", ` +
          `but "${entry.subscribers[0]?.name}" named "${entry.deadLetterTopic}"; Dapr keeps one per topic and app`,
      );
    }
    if (entry.subscribers.some((s) => s.name === options.name)) {
      throw new Error(`topic "${topic}" already has a subscription named "${options.name}"`);
    }
    entry.subscribers.push({ name: options.name, handler, types: options.types ? new Set(options.types) : undefined });
  }

  async start(): Promise<void> {
    if (this.state === 'stopped') throw new Error('a stopped DaprEventBus cannot start again');
    this.state = 'started';
  }

  /** Refuses new deliveries (RETRY) and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    await Promise.allSettled([...this.inFlight]);
  }

  /** The route path of a topic's deliveries. */
  routeFor(topic: string): string {
    return `${this.routePrefix}/${encodeURIComponent(topic)}`;
  }

  /** What the app answers on `GET /dapr/subscribe`. */
  subscriptions(): DaprSubscription[] {
    return [...this.topics.values()].map(({ topic, deadLetterTopic, subscribers }) => {
      const path = this.routeFor(topic);
      const filtered = subscribers.every((s) => s.types);
      const types = [...new Set(subscribers.flatMap((s) => [...(s.types ?? [])]))].sort();
      const routes: DaprSubscription['routes'] = filtered
        ? {
            rules: [{ match: types.map((t) => `event.type == ${JSON.stringify(t)}`).join(' || ') || 'false', path }],
            default: this.ignoredRoute,
          }
        : { default: path };
      return { pubsubname: this.pubsubName, topic, routes, deadLetterTopic };
    });
  }

  /** Handles one delivery from the sidecar and decides the reply. */
  deliver(topic: string, event: CloudEvent): Promise<DaprDeliveryStatus> {
    const run = this.dispatch(topic, event);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async dispatch(topic: string, event: CloudEvent): Promise<DaprDeliveryStatus> {
    // The broker may hand an event back before the sidecar's answer to its publish() reached us.
    // Hold it until that publish has returned to its caller (one macrotask later), so a handler
    // never runs inside a publish() of this process (EventBus contract). Only that one: waiting
    // for every publish under way would tie each delivery to the slowest publish of the moment,
    // and on Kafka, which delivers a partition one event at a time, that wait queues up.
    const publishing = this.publishing.get(publishKey(topic, event.id));
    if (publishing) {
      await publishing.catch(() => undefined);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.state !== 'started') return 'RETRY';
    const entry = this.topics.get(topic);
    if (!entry) {
      this.logger.warn({ topic, eventId: event.id }, 'dapr delivered an event of a topic nobody subscribed; acked');
      return 'SUCCESS';
    }
    const key = `${topic}\u0000${event.id}`;
    const progress = this.progress.get(key) ?? { done: new Set<string>(), poison: new Map<string, string>(), at: Date.now() };
    const targets = entry.subscribers.filter((s) => !progress.done.has(s.name) && (!s.types || s.types.has(event.type)));
    const results = await Promise.all(targets.map((s) => this.run(s, event)));
    let retry = false;
    for (const r of results) {
      const context = { topic, subscription: r.name, eventId: event.id, type: event.type };
      switch (r.outcome) {
        case 'ack':
          progress.done.add(r.name);
          break;
        case 'drop':
          progress.done.add(r.name);
          this.logger.warn(context, 'handler dropped the event');
          break;
        case 'poison':
          progress.done.add(r.name);
          progress.poison.set(r.name, r.reason ?? 'poison event');
          this.logger.error(
            { ...context, reason: r.reason, deadLetterTopic: entry.deadLetterTopic },
            'poison event: dead-lettering it',
          );
          break;
        case 'retry':
          retry = true;
          this.logger.warn({ ...context, reason: r.reason }, 'handler failed; dapr will redeliver');
          break;
      }
    }
    // A failed dead-letter publish is retried with the event; the handlers that are done stay done.
    const settled = !retry && (await this.deadLetter(entry, event, progress.poison));
    if (!settled) {
      this.remember(key, progress);
      return 'RETRY';
    }
    this.progress.delete(key);
    return 'SUCCESS';
  }

  /**
   * Publishes a poison event to the dead-letter topic once per handler that refused it, each with
   * its reason (as the embedded bus records one dead letter per subscription); false if one failed.
   */
  private async deadLetter(entry: TopicSubscription, event: CloudEvent, poison: Map<string, string>): Promise<boolean> {
    for (const [subscription, reason] of poison) {
      const letter = {
        ...event,
        [DEAD_LETTER_EXTENSIONS.reason]: reason,
        [DEAD_LETTER_EXTENSIONS.subscription]: subscription,
        [DEAD_LETTER_EXTENSIONS.topic]: entry.topic,
      };
      try {
        await this.publish(entry.deadLetterTopic, letter as CloudEvent);
        poison.delete(subscription);
      } catch (error) {
        this.logger.error(
          { topic: entry.topic, subscription, eventId: event.id, deadLetterTopic: entry.deadLetterTopic, error: message(error) },
          'could not publish the poison event to its dead-letter topic; dapr will redeliver it',
        );
        return false;
      }
    }
    return true;
  }

  private async run(subscriber: Subscriber, event: CloudEvent): Promise<Result> {
    try {
      const outcome = await subscriber.handler(event);
      return outcome === 'retry'
        ? { name: subscriber.name, outcome, reason: 'handler asked to retry' }
        : { name: subscriber.name, outcome };
    } catch (error) {
      return { name: subscriber.name, outcome: error instanceof PoisonEventError ? 'poison' : 'retry', reason: message(error) };
    }
  }

  private remember(key: string, progress: Progress): void {
    this.progress.delete(key);
    this.progress.set(key, progress);
    const expired = Date.now() - this.progressTtlMs;
    for (const [k, p] of this.progress) {
      if (this.progress.size <= this.progressLimit && p.at >= expired) break;
      this.progress.delete(k);
    }
  }
}
