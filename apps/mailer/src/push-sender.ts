/**
 * Sending one Web Push message with the `web-push` library: the payload encrypted to the
 * browser's keys (aes128gcm, RFC 8291), the request signed with the server's VAPID key
 * (RFC 8292), to the endpoint of the browser's push service (RFC 8030).
 */
import webpush from 'web-push';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushSender {
  send(target: PushTarget, payload: string): Promise<void>;
}

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** The push service no longer knows the subscription (404/410): it will never work again. */
export class PushGoneError extends Error {
  constructor(readonly status: number) {
    super(`the push service answered ${status}: the subscription is gone`);
    this.name = 'PushGoneError';
  }
}

/**
 * A reminder an hour late is noise: the push service drops it if the device stays unreachable
 * that long (the in-app notification and the email still hold it).
 */
const TTL_SECONDS = 3600;

export function webPushSender(vapid: VapidDetails, options: { timeoutMs?: number } = {}): PushSender {
  return {
    async send(target, payload) {
      try {
        await webpush.sendNotification(
          { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
          payload,
          {
            vapidDetails: vapid,
            TTL: TTL_SECONDS,
            // Shown at once, even to a device saving battery (RFC 8030 §5.3).
            urgency: 'high',
            contentEncoding: 'aes128gcm',
            timeout: options.timeoutMs ?? 10_000,
          },
        );
      } catch (error) {
        if (error instanceof webpush.WebPushError) {
          if (error.statusCode === 404 || error.statusCode === 410) throw new PushGoneError(error.statusCode);
          throw new Error(`the push service answered ${error.statusCode}: ${error.body.slice(0, 200)}`, { cause: error });
        }
        throw error;
      }
    },
  };
}
