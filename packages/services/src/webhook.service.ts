/**
 * A user's outgoing webhooks (docs/webhooks.md): subscriptions with a Standard Webhooks signing
 * secret made here and shown once, their delivery log, and replay. Every call is scoped to the
 * caller: another user's webhook is not found.
 */
import { randomBytes } from 'node:crypto';
import { DomainError, type Webhook, type WebhookCreate, type WebhookDelivery, type WebhookPatch } from '@todo/domain';
import type { Principal, ServiceDeps } from './deps.js';
import { resolveWebhookTarget, systemResolve, type Resolve } from './security/webhook-target.js';

export interface WebhookOptions {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: the operator lets webhooks reach internal addresses. */
  allowPrivateTargets: boolean;
  /** How host names are resolved for the SSRF guard (the system resolver by default). */
  resolve?: Resolve;
}

const SECRET_BYTES = 32;

export class WebhookService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly options: WebhookOptions,
  ) {}

  list(principal: Principal): Promise<Webhook[]> {
    return this.deps.store.repos.webhooks.list(principal.userId);
  }

  async get(principal: Principal, id: string): Promise<Webhook> {
    const webhook = await this.deps.store.repos.webhooks.get(principal.userId, id);
    if (!webhook) throw new DomainError('WEBHOOK_NOT_FOUND', 'no such webhook');
    return webhook;
  }

  /** The secret is returned here only; receivers verify signatures with it. */
  async create(principal: Principal, input: WebhookCreate): Promise<{ webhook: Webhook; secret: string }> {
    await this.checkTarget(input.url);
    const secret = `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
    const webhook = await this.deps.store.repos.webhooks.insert({
      id: this.deps.ids.next(),
      userId: principal.userId,
      url: input.url,
      secret,
      eventTypes: [...new Set(input.types)],
      createdAt: this.deps.clock.now(),
    });
    return { webhook, secret };
  }

  async update(principal: Principal, id: string, patch: WebhookPatch): Promise<Webhook> {
    await this.get(principal, id);
    if (patch.url !== undefined) await this.checkTarget(patch.url);
    const webhook = await this.deps.store.repos.webhooks.update(principal.userId, id, {
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.types !== undefined ? { eventTypes: [...new Set(patch.types)] } : {}),
      // Turning a webhook on again clears why the server had turned it off.
      ...(patch.active !== undefined ? { active: patch.active, ...(patch.active ? { disabledReason: null } : {}) } : {}),
    });
    if (!webhook) throw new DomainError('WEBHOOK_NOT_FOUND', 'no such webhook');
    return webhook;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    if (!(await this.deps.store.repos.webhooks.delete(principal.userId, id))) {
      throw new DomainError('WEBHOOK_NOT_FOUND', 'no such webhook');
    }
  }

  /** Newest first; `cursor`: the `next` of the previous page. */
  async deliveries(
    principal: Principal,
    id: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: WebhookDelivery[]; next: string | null }> {
    await this.get(principal, id);
    const before = page.cursor === undefined ? undefined : Number(page.cursor);
    if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) {
      throw DomainError.field('INVALID_CURSOR', 'cursor', 'not a cursor this list gave');
    }
    const result = await this.deps.store.repos.webhookDeliveries.page(id, page.limit, before);
    return { items: result.items, next: result.next === null ? null : String(result.next) };
  }

  /**
   * Sends a delivered or dead-lettered delivery again, from a fresh retry budget: it is pending
   * once more, and the webhook sender takes it on its next round. A pending one is left alone.
   */
  async replay(principal: Principal, id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.get(principal, id);
    const deliveries = this.deps.store.repos.webhookDeliveries;
    const replayed = await deliveries.replay(id, deliveryId, this.deps.clock.now());
    if (replayed) return replayed;
    const existing = await deliveries.get(id, deliveryId);
    if (!existing) throw new DomainError('DELIVERY_NOT_FOUND', 'no such delivery');
    throw new DomainError('CONFLICT', 'this delivery is still pending: it is sent on its own');
  }

  private async checkTarget(url: string): Promise<void> {
    await resolveWebhookTarget(url, this.options.allowPrivateTargets, this.options.resolve ?? systemResolve);
  }
}
