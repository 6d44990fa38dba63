/**
 * Outgoing webhooks on the wire: what a user subscribes with, what the API shows of a
 * subscription and of each delivery, and when a failed delivery is tried again
 * (docs/webhooks.md).
 */
import { z } from 'zod';
import { TASK_EVENT_TYPES } from '../event-types.js';

/** An http(s) URL without credentials in it: the secret signs, a URL's password would be logged. */
export const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((raw) => {
    // Runs after a failed URL check too: what does not parse is that check's to report.
    const url = URL.parse(raw);
    return !url || (!url.username && !url.password);
  }, 'must not carry a user name or password');

export const WebhookEventType = z.enum(TASK_EVENT_TYPES);

export const WebhookCreate = z.strictObject({
  url: WebhookUrl,
  /** Empty: every event type, including those added later. */
  types: z.array(WebhookEventType).max(TASK_EVENT_TYPES.length).default([]),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookPatch = z
  .strictObject({
    url: WebhookUrl.optional(),
    types: z.array(WebhookEventType).max(TASK_EVENT_TYPES.length).optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change: give url, types or active');
export type WebhookPatch = z.infer<typeof WebhookPatch>;

export const Webhook = z.object({
  id: z.uuid(),
  url: z.string(),
  types: z.array(WebhookEventType),
  active: z.boolean(),
  /** Why the server turned the subscription off, when it did; null otherwise. */
  disabledReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Webhook = z.infer<typeof Webhook>;

export const WebhookDelivery = z.object({
  id: z.uuid(),
  eventId: z.string().describe('The `webhook-id` header: receivers de-duplicate on it'),
  eventType: WebhookEventType,
  taskId: z.uuid(),
  attempts: z.int(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  deadLetteredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** Waits after the 1st, 2nd, … failed attempt; past the last, the last again. */
export const WEBHOOK_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000] as const;
/** A delivery is dead-lettered rather than tried again past this much waiting, in all (about 29 attempts). */
export const WEBHOOK_RETRY_BUDGET_MS = 24 * 3_600_000;

const delayAfter = (failedAttempt: number): number =>
  WEBHOOK_RETRY_DELAYS_MS[Math.min(Math.max(failedAttempt, 1), WEBHOOK_RETRY_DELAYS_MS.length) - 1]!;

/**
 * How long to wait after the `failedAttempts`-th failure in a row, or null when the waits so far
 * and this one would pass the budget: then the delivery is dead-lettered. Counted in attempts,
 * not from when the event happened, so a replay starts a fresh budget.
 */
export function webhookRetryDelayMs(failedAttempts: number): number | null {
  let waited = 0;
  for (let n = 1; n <= failedAttempts; n++) waited += delayAfter(n);
  return waited > WEBHOOK_RETRY_BUDGET_MS ? null : delayAfter(failedAttempts);
}
