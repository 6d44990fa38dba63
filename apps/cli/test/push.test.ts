/**
 * Issue #24: reminders as Web Push, end to end against a fake push service that verifies the
 * VAPID signature and decrypts the payload as a browser would (RFC 8291). Each device gets a
 * reminder once — however often the event arrives —, a gone subscription (410) is removed, and
 * a failing push service is retried, then dead-lettered with its answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, type FakePushService, type FakeSubscription } from '@todo/testing';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('reminders by Web Push', () => {
  let p: Pipeline;
  let push: FakePushService;
  beforeAll(async () => {
    push = await startFakePushService();
    p = await createPipeline('2026-11-27T09:00:00Z', { env: { PUSH_SERVICES: push.origin } });
  });
  afterAll(async () => {
    await p?.close();
    await push?.close();
  });

  type User = Awaited<ReturnType<Pipeline['user']>>;
  const register = async (u: User, sub: FakeSubscription, userAgent = CHROME) => {
    const res = await p.runtime.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: { ...u.auth, 'user-agent': userAgent, 'content-type': 'application/json' },
      payload: JSON.stringify(sub.json),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; label: string; lastSuccessAt: string | null };
  };
  const pushesTo = (sub: FakeSubscription) => push.received.filter((r) => r.subscriptionId === sub.id);
  const remindAt = async (u: User, title: string, at: string) => {
    const task = (await p.call('POST', '/api/tasks', u.auth, { title, reminders: [{ type: 'absolute', at }] })).body;
    await p.settle();
    return task;
  };
  const deadPush = async (admin: User) =>
    (await p.call('GET', '/api/admin/dead-letters', admin.auth)).body.items.filter((d: any) => d.subscription === 'push');

  let admin: User;

  it('registers several devices per user, once per endpoint, only on allowed push services, each user their own', async () => {
    admin = await p.user('UTC');
    const u = await p.user('UTC');
    const key = await p.call('GET', '/api/push/key', u.auth);
    expect(key.body.publicKey).toMatch(/^[\w-]{87}$/);
    const laptop = push.subscribe();
    const first = await register(u, laptop);
    expect(first).toMatchObject({ label: 'Chrome on Linux', lastSuccessAt: null });
    // The browser subscribes again (a new key pair): the same device, not a second one.
    const again = await register(u, { ...laptop, json: { ...laptop.json, keys: push.subscribe().json.keys } });
    expect(again.id).toBe(first.id);
    await register(u, push.subscribe(), 'Mozilla/5.0 (Android 15; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0');
    const list = (await p.call('GET', '/api/push/subscriptions', u.auth)).body.items;
    expect(list.map((d: any) => d.label)).toEqual(['Chrome on Linux', 'Firefox on Android']);

    const elsewhere = { ...push.subscribe().json, endpoint: 'https://169.254.169.254/latest' };
    const refused = await p.call('POST', '/api/push/subscriptions', u.auth, elsewhere);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'endpoint' }] });
    const plain = await p.call('POST', '/api/push/subscriptions', u.auth, {
      ...laptop.json,
      endpoint: laptop.json.endpoint.replace('https:', 'http:'),
    });
    expect(plain.status).toBe(400);

    // At most 20 devices: the 21st is refused, while a registered one may register again.
    const devices = (await p.call('GET', '/api/push/subscriptions', u.auth)).body.items.length;
    for (let i = devices; i < 20; i++) await register(u, push.subscribe());
    const tooMany = await p.call('POST', '/api/push/subscriptions', u.auth, push.subscribe().json);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.code).toBe('TOO_MANY_DEVICES');
    expect((await register(u, laptop)).id).toBe(first.id);

    const other = await p.user('UTC');
    expect((await p.call('GET', '/api/push/subscriptions', other.auth)).body.items).toEqual([]);
    expect((await p.call('DELETE', `/api/push/subscriptions/${first.id}`, other.auth)).body.code).toBe('DEVICE_NOT_FOUND');
    expect((await p.call('DELETE', `/api/push/subscriptions/${first.id}`, u.auth)).status).toBe(204);
    expect((await p.call('GET', '/api/push/subscriptions', u.auth)).body.items).toHaveLength(19);
  });

  it('pushes a due reminder to each device once, as a payload the browser decrypts, signed for the push service', async () => {
    const u = await p.user('UTC');
    const [phone, laptop] = [push.subscribe(), push.subscribe()];
    await register(u, phone);
    await register(u, laptop);
    p.clock.set('2026-11-27T10:00:00Z');
    const task = await remindAt(u, 'Call the <dentist>', '2026-11-27T10:05:00Z');
    await p.advanceTo('2026-11-27T10:04:59Z');
    expect(pushesTo(phone)).toHaveLength(0);
    await p.advanceTo('2026-11-27T10:05:00Z');
    await p.advanceTo('2026-11-27T10:10:00Z');
    expect(pushesTo(phone)).toHaveLength(1);
    expect(pushesTo(laptop)).toHaveLength(1);
    expect(push.refused).toEqual([]);

    const received = pushesTo(phone)[0]!;
    const payload = JSON.parse(received.plaintext);
    expect(payload).toEqual({
      title: 'Call the <dentist>',
      body: expect.stringContaining('Call the <dentist>'),
      taskId: task.id,
      number: task.number,
      url: `http://todo.test/?task=${task.number}`,
      actions: [
        { action: 'done', title: 'Done', url: expect.stringMatching(/^\/actions\/[\w-]+\.[\w-]+\.[\w-]+$/) },
        { action: 'snooze', title: 'Snooze 1 hour', url: expect.stringMatching(/^\/actions\//) },
      ],
      tag: `reminder-${task.reminders[0].id}`,
    });
    expect(received.vapid).toMatchObject({
      aud: push.origin,
      publicKey: (await p.call('GET', '/api/push/key', u.auth)).body.publicKey,
    });
    expect(received.vapid.sub).toBe('mailto:todo@localhost');
    expect(received).toMatchObject({ ttl: 3600, urgency: 'high' });
    const devices = (await p.call('GET', '/api/push/subscriptions', u.auth)).body.items;
    expect(devices.map((d: any) => d.lastSuccessAt)).toEqual(['2026-11-27T10:05:00.000Z', '2026-11-27T10:05:00.000Z']);
    // The in-app notification and the email came as before, on their own subscriptions.
    expect((await p.call('GET', '/api/notifications', u.auth)).body.items).toHaveLength(1);

    // The notification's Done button: a one-use link that completes the task without a session.
    expect((await p.call('POST', payload.actions[0].url)).status).toBe(200);
    expect((await p.call('GET', `/api/tasks/${task.id}`, u.auth)).body.status).toBe('completed');
    expect((await p.call('POST', JSON.parse(pushesTo(laptop)[0]!.plaintext).actions[1].url)).status).toBe(410);
  });

  it('costs a user without devices no push delivery: the event says so, and the embedded bus does not queue it', async () => {
    const handled = async (subscription: string) => {
      const text = (await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
      const lines = text
        .split('\n')
        .filter((l) => l.startsWith('todo_events_handled_total') && l.includes(`subscription="${subscription}"`));
      return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    };
    const u = await p.user('UTC');
    const [pushBefore, inAppBefore] = [await handled('push'), await handled('in-app')];
    p.clock.set('2026-11-30T09:00:00Z');
    await remindAt(u, 'No devices', '2026-11-30T09:05:00Z');
    await p.advanceTo('2026-11-30T09:05:00Z');
    await p.advanceTo('2026-11-30T09:10:00Z');
    expect(await handled('in-app')).toBe(inAppBefore + 1);
    expect(await handled('push')).toBe(pushBefore);
  });

  it('sends once per device when the same reminder event arrives twice and concurrently', async () => {
    const u = await p.user('UTC');
    const [phone, laptop] = [push.subscribe(), push.subscribe()];
    await register(u, phone);
    await register(u, laptop);
    p.clock.set('2026-12-01T09:00:00Z');
    const task = await remindAt(u, 'Dup', '2026-12-01T09:30:00Z');
    const event = {
      specversion: '1.0' as const,
      id: crypto.randomUUID(),
      source: 'test',
      type: 'todo.reminder.due.v1' as const,
      time: '2026-12-01T09:00:00Z',
      datacontenttype: 'application/json' as const,
      // As the notifier emits it for a user with devices (`push`).
      data: {
        userId: u.id,
        taskId: task.id,
        reminderId: task.reminders[0].id,
        fireAt: '2026-12-01T09:00:00.000Z',
        push: true as const,
      },
    };
    const bus = p.runtime.transports.bus;
    await Promise.all([
      bus.publish('task-reminders', event),
      bus.publish('task-reminders', event),
      bus.publish('task-reminders', { ...event, id: crypto.randomUUID() }),
    ]);
    await p.advanceTo('2026-12-01T09:01:00Z');
    await p.advanceTo('2026-12-01T09:10:00Z');
    expect(pushesTo(phone)).toHaveLength(1);
    expect(pushesTo(laptop)).toHaveLength(1);
  });

  it('removes a device whose subscription the push service calls gone (410), and still reaches the others', async () => {
    const u = await p.user('UTC');
    const [kept, gone] = [push.subscribe(), push.subscribe()];
    await register(u, kept);
    const goneDevice = await register(u, gone);
    push.answer(gone.id, 410);
    p.clock.set('2026-12-02T09:00:00Z');
    await remindAt(u, 'Prune', '2026-12-02T09:05:00Z');
    await p.advanceTo('2026-12-02T09:05:00Z');
    await p.advanceTo('2026-12-02T09:10:00Z');
    expect(pushesTo(kept)).toHaveLength(1);
    expect(pushesTo(gone)).toHaveLength(0);
    const devices = (await p.call('GET', '/api/push/subscriptions', u.auth)).body.items.map((d: any) => d.id);
    expect(devices).not.toContain(goneDevice.id);
    expect(devices).toHaveLength(1);
    expect(await deadPush(admin)).toEqual([]);
  });

  it('retries a push the service failed, without pushing twice to the device that got it', async () => {
    const u = await p.user('UTC');
    const [flaky, fine] = [push.subscribe(), push.subscribe()];
    await register(u, flaky);
    await register(u, fine);
    push.answer(flaky.id, 503, 2);
    p.clock.set('2026-12-03T09:00:00Z');
    await remindAt(u, 'Retry', '2026-12-03T09:05:00Z');
    await p.advanceTo('2026-12-03T09:05:00Z');
    expect(pushesTo(flaky)).toHaveLength(0);
    expect(pushesTo(fine)).toHaveLength(1);
    for (let s = 1; s <= 10; s++) await p.advanceTo(`2026-12-03T09:05:${String(s).padStart(2, '0')}Z`);
    expect(pushesTo(flaky)).toHaveLength(1);
    expect(pushesTo(fine)).toHaveLength(1);
    expect(await deadPush(admin)).toEqual([]);
  });

  it('dead-letters a push the service keeps refusing, with its answer as the reason', async () => {
    const u = await p.user('UTC');
    const broken = push.subscribe();
    await register(u, broken);
    push.answer(broken.id, 500, 20);
    p.clock.set('2026-12-04T09:00:00Z');
    await remindAt(u, 'Never', '2026-12-04T09:05:00Z');
    for (let m = 5; m <= 12; m++) await p.advanceTo(`2026-12-04T09:${String(m).padStart(2, '0')}:00Z`);
    const letters = await deadPush(admin);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: 'task-reminders', eventType: 'todo.reminder.due.v1', attempts: 5 });
    expect(letters[0].reason).toMatch(/push failed for 1 of 1 devices: .*answered 500/);
    expect(pushesTo(broken)).toHaveLength(0);
    // The in-app notification did not wait for the push.
    expect((await p.call('GET', '/api/notifications', u.auth)).body.items).toHaveLength(1);
  });
});
