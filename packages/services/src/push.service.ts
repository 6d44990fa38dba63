/**
 * The browsers a user receives reminders on by Web Push: registered from the browser's
 * `PushSubscription`, listed as devices, removed by the user — or by the mailer role when the
 * push service says a subscription is gone (404/410). Which push services a browser may name
 * is the policy's decision (SSRF: the server sends a request to that address).
 */
import { DomainError, enforce, policy, type PushDevice, type PushSubscriptionCreate } from '@todo/domain';
import type { PushSubscriptionRow } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';

export interface PushOptions {
  /** PUSH_SERVICES: origins (or `https://*.domain`) of the push services endpoints may point to. */
  services: readonly string[];
  /** The VAPID public key browsers subscribe with; absent: this server sends no push. */
  publicKey?: string | undefined;
}

export class PushService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly options: PushOptions,
  ) {}

  /** What `pushManager.subscribe` needs as `applicationServerKey`. */
  publicKey(): string {
    if (!this.options.publicKey)
      throw new DomainError('PUSH_UNAVAILABLE', 'this server has no VAPID keys: it sends no push notifications');
    return this.options.publicKey;
  }

  /** Idempotent per endpoint: the same browser registering again is the same device. */
  async subscribe(principal: Principal, input: PushSubscriptionCreate, userAgent: string | undefined): Promise<PushDevice> {
    this.publicKey();
    enforce(policy.pushEndpoint(input.endpoint, this.options.services));
    const { pushSubscriptions } = this.deps.store.repos;
    enforce(policy.addPushDevice(await pushSubscriptions.countFor(principal.userId, input.endpoint)));
    return pushSubscriptions.upsert({
      id: this.deps.ids.next(),
      userId: principal.userId,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      label: input.label ?? deviceLabel(userAgent),
      createdAt: this.deps.clock.now(),
    });
  }

  list(principal: Principal): Promise<PushDevice[]> {
    return this.deps.store.repos.pushSubscriptions.list(principal.userId);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    if (!(await this.deps.store.repos.pushSubscriptions.delete(principal.userId, id)))
      throw new DomainError('DEVICE_NOT_FOUND', 'no such device');
  }

  /** Where a reminder of this user goes, with the keys to encrypt it to. */
  devicesFor(userId: string): Promise<PushSubscriptionRow[]> {
    return this.deps.store.repos.pushSubscriptions.forDelivery(userId);
  }

  delivered(device: PushSubscriptionRow): Promise<void> {
    return this.deps.store.repos.pushSubscriptions.markSuccess(device.id, this.deps.clock.now());
  }

  /** The push service no longer knows this subscription (the browser unsubscribed or was reset). */
  expired(device: PushSubscriptionRow): Promise<void> {
    return this.deps.store.repos.pushSubscriptions.deleteExpired(device.id, device.endpoint, device.p256dh);
  }
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome on Linux": enough to tell one's devices apart, without keeping the whole User-Agent. */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Browser';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? 'Browser';
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
