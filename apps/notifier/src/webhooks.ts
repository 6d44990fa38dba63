/**
 * Outgoing webhooks, through the event pipeline (docs/webhooks.md). Each task event is recorded
 * as one delivery per matching subscription and sent at once; a failure is tried again on the
 * retry schedule by the claim loop (`deliverDue`, every `retryEveryMs`, due by the injected
 * clock), until it succeeds or is dead-lettered. One task's deliveries to one webhook go in
 * order: a delivery waits while an earlier one of its task is pending, and is sent as soon as
 * that one has gone. Runs with the notifier role, in either runtime: the queue is the
 * `webhook_deliveries` table, the bus only brings the events.
 */
import { TASK_EVENT_TYPES, TOPICS, type CloudEvent, type Clock } from '@todo/domain';
import type { ClaimedDelivery, WebhookDeliveryService } from '@todo/services';
import { periodic, type EventBus, type HandlerOutcome } from '@todo/transport';
import type { SendWebhook } from './webhook-sender.js';

export interface WebhookDeps {
  bus: Pick<EventBus, 'subscribe'>;
  deliveries: Pick<WebhookDeliveryService, 'record' | 'claim' | 'finish'>;
  send: SendWebhook;
  clock: Clock;
  logger: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /** How often to send what came due; 0: only when `deliverDue` is called. Default 5 s. */
  retryEveryMs?: number;
  /** Observes each attempt by outcome. */
  onAttempt?: (outcome: 'delivered' | 'failed') => void;
}

export interface WebhookRole {
  /** Sends every delivery due now (by the clock), and those that become sendable meanwhile; resolves to how many were tried. */
  deliverDue(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const BATCH = 50;

export function registerWebhooks(deps: WebhookDeps): WebhookRole {
  /** Sends one claimed delivery, then the next of its lane while they keep going through. */
  async function sendLane(first: ClaimedDelivery): Promise<number> {
    let tried = 0;
    for (let claimed: ClaimedDelivery | undefined = first; claimed;) {
      const result = await deps.send({
        url: claimed.url,
        secret: claimed.secret,
        eventId: claimed.eventId,
        payload: claimed.payload,
        at: deps.clock.now(),
      });
      tried += 1;
      deps.onAttempt?.(result.ok ? 'delivered' : 'failed');
      const owned = await deps.deliveries.finish(claimed, result);
      const log = {
        deliveryId: claimed.id,
        webhookId: claimed.webhookId,
        eventId: claimed.eventId,
        attempt: claimed.attempts + 1,
      };
      if (!result.ok) {
        deps.logger.warn({ ...log, statusCode: result.statusCode, error: result.error }, 'webhook delivery failed');
        return tried;
      }
      deps.logger.info({ ...log, statusCode: result.statusCode }, 'webhook delivered');
      if (!owned) return tried;
      [claimed] = await deps.deliveries.claim(1, { webhookId: claimed.webhookId, taskId: claimed.taskId });
    }
    return tried;
  }

  const sendAll = async (claimed: readonly ClaimedDelivery[]): Promise<number> =>
    (await Promise.all(claimed.map(sendLane))).reduce((a, b) => a + b, 0);

  deps.bus.subscribe(
    TOPICS.taskEvents,
    async (event: CloudEvent): Promise<HandlerOutcome> => {
      const ids = await deps.deliveries.record(event);
      // Sent now when nothing earlier of their task is pending; else after it, or by the loop.
      if (ids.length) await sendAll(await deps.deliveries.claim(ids.length, { ids }));
      return 'ack';
    },
    // A handler mostly waits on receivers (up to 10 s each): more at once than the bus's default,
    // so one slow receiver does not hold up everyone's first attempts.
    { name: 'webhooks', types: TASK_EVENT_TYPES, concurrency: 16 },
  );

  const loop = periodic(
    async () => {
      let tried = 0;
      for (;;) {
        const claimed = await deps.deliveries.claim(BATCH);
        if (!claimed.length) return tried;
        tried += await sendAll(claimed);
      }
    },
    deps.retryEveryMs ?? 5_000,
    (error) => deps.logger.error({ err: error }, 'webhook retry round failed; trying again later'),
  );
  return { deliverDue: loop.run, start: loop.start, stop: loop.stop };
}
