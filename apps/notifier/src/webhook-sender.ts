/**
 * One webhook request, per the Standard Webhooks spec: the body signed with the subscription's
 * secret by the `standardwebhooks` library, `webhook-id` the event's id (receivers de-duplicate
 * on it). The host is resolved and checked by the SSRF guard before each request, and the
 * connection goes to the address checked. Redirects are not followed, a 10 s deadline bounds
 * the whole exchange, and only the first bytes of the answer are kept, for the delivery log.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { isDomainError } from '@todo/domain';
import { resolveWebhookTarget, systemResolve, type AttemptResult, type Resolve } from '@todo/services';

export interface WebhookSenderOptions {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS. */
  allowPrivateTargets: boolean;
  resolve?: Resolve;
  /** The whole request, connection to last byte read. Default 10 s. */
  timeoutMs?: number;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  payload: unknown;
  /** The signature's timestamp (the injected clock's now). */
  at: Date;
}

/** Characters of a receiver's answer kept in the delivery log. */
const EXCERPT_CHARS = 200;

export type SendWebhook = (request: WebhookRequest) => Promise<AttemptResult>;

export function webhookSender(options: WebhookSenderOptions): SendWebhook {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async ({ url, secret, eventId, payload, at }) => {
    let target;
    try {
      target = await resolveWebhookTarget(url, options.allowPrivateTargets, options.resolve ?? systemResolve);
    } catch (error) {
      if (isDomainError(error)) return { ok: false, statusCode: null, error: `refused: ${error.message}` };
      throw error;
    }
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'todo-app-webhooks/1',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(eventId, at, body),
    };
    // The connection goes to the address the guard checked, whatever DNS would answer now.
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const parsed = new URL(url);
    const client = parsed.protocol === 'https:' ? https : http;
    return new Promise<AttemptResult>((resolve) => {
      const request = client.request(
        parsed,
        { method: 'POST', headers, lookup: pinned, agent: false, signal: AbortSignal.timeout(timeoutMs) },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          let excerpt = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (excerpt.length < EXCERPT_CHARS) excerpt += chunk;
            else response.destroy();
          });
          const done = () => {
            if (statusCode >= 200 && statusCode < 300) return resolve({ ok: true, statusCode });
            const why = statusCode >= 300 && statusCode < 400 ? 'redirect not followed' : excerpt.slice(0, EXCERPT_CHARS).trim();
            resolve({ ok: false, statusCode, error: `HTTP ${statusCode}${why ? `: ${why}` : ''}` });
          };
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      request.on('error', (error: Error & { code?: string }) => {
        const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
        resolve({
          ok: false,
          statusCode: null,
          error: timedOut ? `no answer within ${timeoutMs / 1000} s` : `${error.code ?? error.name}: ${error.message}`,
        });
      });
      request.end(body);
    });
  };
}
