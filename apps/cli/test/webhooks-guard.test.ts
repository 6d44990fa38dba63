/**
 * Issue #25, acceptance 6: a private-address target is refused — when the webhook is saved (REST,
 * apps/api/test/webhooks.test.ts) and again when it is sent, here: a webhook saved while the
 * operator allowed internal targets, or whose host has since come to resolve to one, gets no
 * request. And what the sender does not do: follow redirects, wait past its deadline.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSender } from '@todo/notifier';
import { createPipeline, type Pipeline } from './pipeline-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

describe('the SSRF guard when sending', () => {
  let p: Pipeline;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z'); // internal targets not allowed: the default
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await p?.close();
    await receiver?.close();
  });

  it('sends nothing to a webhook whose host is internal now, and logs why', async () => {
    const u = await p.user();
    expect((await p.call('POST', '/api/webhooks', u.auth, { url: receiver.url })).body.code).toBe('WEBHOOK_TARGET_REFUSED');
    // As saved while WEBHOOK_ALLOW_PRIVATE_TARGETS was on.
    const webhook = await p.runtime.store.repos.webhooks.insert({
      id: crypto.randomUUID(),
      userId: u.id,
      url: receiver.url,
      secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      createdAt: p.clock.now(),
    });
    await p.call('POST', '/api/tasks', u.auth, { title: 'stays inside' });
    await p.settle();
    await p.advanceTo('2026-11-27T10:00:00Z');
    expect(receiver.received).toEqual([]);
    const [delivery] = (await p.call('GET', `/api/webhooks/${webhook.id}/deliveries`, u.auth)).body.items;
    expect(delivery).toMatchObject({ lastStatusCode: null, deliveredAt: null });
    expect(delivery.attempts).toBeGreaterThan(1);
    expect(delivery.lastError).toMatch(/^refused: the host resolves to a loopback address 127\.0\.0\.1/);
  });
});

describe('the webhook sender', () => {
  const send = webhookSender({ allowPrivateTargets: true, timeoutMs: 200 });
  const request = (url: string) => ({
    url,
    secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    eventId: 'e1',
    payload: {},
    at: new Date(),
  });
  let base = '';
  const server = createServer((req, res) => {
    if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
    else if (req.url === '/big') res.writeHead(500).end('x'.repeat(100_000));
    // '/silent' never answers.
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not follow a redirect: it counts as a failure', async () => {
    expect(await send(request(`${base}/moved`))).toEqual({
      ok: false,
      statusCode: 302,
      error: 'HTTP 302: redirect not followed',
    });
  });

  it('keeps only a short excerpt of an answer', async () => {
    const result = await send(request(`${base}/big`));
    expect(result).toMatchObject({ ok: false, statusCode: 500 });
    expect(!result.ok && result.error.length).toBeLessThanOrEqual(210);
  });

  it('gives up on a receiver that does not answer within its deadline', async () => {
    expect(await send(request(`${base}/silent`))).toEqual({ ok: false, statusCode: null, error: 'no answer within 0.2 s' });
  });
});
