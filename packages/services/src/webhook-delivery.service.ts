/**
 * The webhook sender's use cases (docs/webhooks.md): record one delivery per subscription a task
 * event matches, claim the deliveries that may go now, and write each attempt's outcome with the
 * retry schedule — or the dead letter once the retry budget is spent. The HTTP request itself is
 * the sender's (apps/notifier); nothing here does network I/O but the database's.
 */
import { TASK_EVENT_TYPES, webhookRetryDelayMs, type CloudEvent } from '@todo/domain';
import type { ClaimedDelivery } from '@todo/storage';
import type { ServiceDeps } from './deps.js';

export type { ClaimedDelivery } from '@todo/storage';

/** What one attempt came to: a 2xx answer, or why not. */
export type AttemptResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/** The signed body: the event's type and time, and its data. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: unknown;
}

const TASK_TYPES = new Set<string>(TASK_EVENT_TYPES);
/** How long a claimed delivery stays with its sender: well past the request's timeout. */
const LEASE_MS = 60_000;

export class WebhookDeliveryService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>) {}

  /** Records the deliveries of a task event; returns the ids of those new (none for a redelivered event). */
  async record(event: CloudEvent): Promise<string[]> {
    if (!TASK_TYPES.has(event.type)) return [];
    const data = event.data as { userId?: unknown; task?: { id?: unknown } };
    if (typeof data.userId !== 'string' || typeof data.task?.id !== 'string') return [];
    const { repos } = this.deps.store;
    const targets = await repos.webhooks.matching(data.userId, event.type);
    if (!targets.length) return [];
    const now = this.deps.clock.now();
    const payload: WebhookPayload = { type: event.type, timestamp: event.time, data: event.data };
    return repos.webhookDeliveries.record(
      targets.map((target) => ({
        id: this.deps.ids.next(),
        webhookId: target.id,
        eventId: event.id,
        eventType: event.type,
        taskId: data.task!.id as string,
        payload,
        createdAt: now,
        nextAttemptAt: now,
      })),
    );
  }

  /**
   * Claims deliveries that may go now: due, not held by another sender, their webhook on, and
   * nothing earlier of their task still pending for the same webhook. `only`: just these (the
   * ones an event just recorded), or the next of one task's lane (after its predecessor went).
   */
  claim(limit: number, only?: { ids: readonly string[] } | { webhookId: string; taskId: string }): Promise<ClaimedDelivery[]> {
    const now = this.deps.clock.now();
    return this.deps.store.repos.webhookDeliveries.claim(now, new Date(now.getTime() + LEASE_MS), limit, only);
  }

  /**
   * Writes what an attempt came to: delivered; or tried again after the back-off; or, past the
   * retry budget, dead-lettered with the last failure as the reason. False when the lease had
   * lapsed and another sender owns the delivery now.
   */
  finish(claimed: ClaimedDelivery, result: AttemptResult): Promise<boolean> {
    const now = this.deps.clock.now();
    const attempts = claimed.attempts + 1;
    const deliveries = this.deps.store.repos.webhookDeliveries;
    if (result.ok) return deliveries.finish(claimed, { attempts, statusCode: result.statusCode, error: null, deliveredAt: now });
    const delay = webhookRetryDelayMs(attempts);
    return deliveries.finish(claimed, {
      attempts,
      statusCode: result.statusCode,
      error: result.error,
      ...(delay === null ? { deadLetteredAt: now } : { nextAttemptAt: new Date(now.getTime() + delay) }),
    });
  }
}
