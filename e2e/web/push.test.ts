/**
 * Issue #24, Web Push and the reminder toast, in Chromium against a real `todo start`:
 * - the in-app reminder toast's Done and Snooze buttons complete and snooze the task;
 * - the service worker registers; what headless Chromium answers to `pushManager.subscribe`
 *   is recorded (it has no push service to talk to, see below);
 * - the rest of the chain runs for real: the server pushes a reminder to a fake push service
 *   (which decrypts it as the browser would, RFC 8291), the decrypted payload is handed to the
 *   page's service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`,
 *   what the browser does with a message from its push service), the worker shows the
 *   notification with Done and Snooze, and its Done completes the task through the action link.
 * Reminders fire on the server's real clock, a few seconds ahead; outcomes are polled, bounded.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePushService, tempDataDir, type FakePushService } from '@todo/testing';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { launchChromium } from './browser.js';

const ZONE = 'Europe/Berlin';
const PASSWORD = 'correct horse battery';

describe('reminders in the browser: toast buttons, service worker, Web Push (issue #24)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let push: FakePushService;
  let caFile = '';

  const apiCall = <T = any>(method: string, path: string, body?: unknown): Promise<T> =>
    page.evaluate(
      async ([m, p, b]) => {
        const res = await fetch(p as string, {
          method: m as string,
          headers: { 'content-type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return (res.status === 204 ? null : await res.json()) as never;
      },
      [method, path, body] as const,
    );
  /** A task whose reminder fires `seconds` from now on the server's clock. */
  const remindSoon = (title: string, seconds = 3) =>
    apiCall<{ id: string; number: number }>('POST', '/api/tasks', {
      title,
      reminders: [{ type: 'absolute', at: new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') }],
    });
  const toast = () => page.locator('.toasts');

  beforeAll(async () => {
    push = await startFakePushService();
    dataDir = tempDataDir('todo-web-push-');
    caFile = join(dataDir, '..', `fake-push-ca-${process.pid}.pem`);
    writeFileSync(caFile, push.certificate);
    [server, browser] = await Promise.all([
      // The server trusts the fake push service's certificate and may send to it.
      startServer({ DATA_DIR: dataDir, PUSH_SERVICES: push.origin, NODE_EXTRA_CA_CERTS: caFile }, 90_000),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: ZONE, locale: 'en-GB' });
    await context.grantPermissions(['notifications'], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Email').fill(`ada${Date.now()}@example.org`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    await push?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (caFile) rmSync(caFile, { force: true });
  });

  it('the reminder toast completes the task with Done', async () => {
    const task = await remindSoon('Water the plants');
    const done = toast().getByRole('button', { name: 'Done: Water the plants' });
    await done.waitFor({ timeout: 30_000 });
    await done.click();
    await page.getByText('Completed “Water the plants”').waitFor();
    expect((await apiCall('GET', `/api/tasks/${task.id}`)).status).toBe('completed');
    expect(await done.count()).toBe(0);
  });

  it('the reminder toast snoozes the task for an hour with Snooze', async () => {
    const task = await remindSoon('Call the bank');
    const snooze = toast().getByRole('button', { name: 'Snooze 1 hour: Call the bank' });
    await snooze.waitFor({ timeout: 30_000 });
    await snooze.click();
    await page.getByText('Snoozed “Call the bank” for 1 hour').waitFor();
    const reminders = (await apiCall('GET', `/api/tasks/${task.id}`)).reminders as { type: string; at: string }[];
    expect(reminders).toHaveLength(1);
    expect(Date.parse(reminders[0]!.at) - Date.now()).toBeGreaterThan(50 * 60_000);
  });

  it('registers the service worker; headless Chromium refuses pushManager.subscribe, and Settings says why', async () => {
    const scope = await page.evaluate<string>('navigator.serviceWorker.ready.then((r) => r.scope)');
    expect(scope).toBe(`${server.url}/`);
    const { publicKey } = await apiCall<{ publicKey: string }>('GET', '/api/push/key');
    const answer = await page.evaluate<string>(`(async () => {
      const key = Uint8Array.from(atob('${publicKey}'.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      try {
        const registration = await navigator.serviceWorker.ready;
        const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        return 'subscribed at ' + new URL(sub.endpoint).origin;
      } catch (e) {
        return e.name + ': ' + e.message;
      }
    })()`);
    // A browser context here is off the record, like an incognito window, which Chromium gives
    // no push service. (A persistent profile does not answer at all: it tries to reach its push
    // service, which this machine cannot.) Notification permission was granted above.
    expect(answer).toBe('AbortError: Registration failed - permission denied');
    expect(await page.evaluate('Notification.permission')).toBe('granted');

    await page.getByRole('link', { name: 'Settings' }).click();
    const toggle = page.getByRole('checkbox', { name: 'Reminders on this device' });
    // click, not check(): check() insists the box ends up ticked, and here it must not.
    await toggle.click();
    await page.getByRole('alert').filter({ hasText: 'Registration failed - permission denied' }).waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await page.getByText('No devices get reminders yet').waitFor();
  });

  it('shows a pushed reminder with Done and Snooze through the service worker, and Done completes the task', async () => {
    // The browser's part that headless Chromium cannot do — subscribe at a push service and
    // receive from it — is played by the fake push service and the DevTools protocol.
    const device = push.subscribe();
    const registered = await apiCall<{ id: string }>('POST', '/api/push/subscriptions', device.json);
    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const registration = await eventually(
      () => registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted),
      10_000,
      'the service worker registration',
    );

    const task = await remindSoon('Renew the passport');
    const received = await eventually(() => push.received.find((r) => r.subscriptionId === device.id), 30_000, 'the push');
    expect(push.refused).toEqual([]);
    expect(JSON.parse(received.plaintext)).toMatchObject({ title: 'Renew the passport', taskId: task.id, number: task.number });
    // A message delivered before the worker is active is dropped (seen on a loaded machine), so
    // it is delivered again until it shows: one notification all the same, its tag replaces it.
    let deliveredAt = 0;
    const shown = await eventually(
      async () => {
        const list = await page.evaluate<{ title: string; body: string; tag: string; actions: string[] }[]>(
          `navigator.serviceWorker.ready
            .then((r) => r.getNotifications())
            .then((ns) => ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.title) })))`,
        );
        if (list.length) return list;
        if (Date.now() - deliveredAt > 3_000) {
          deliveredAt = Date.now();
          await cdp.send('ServiceWorker.deliverPushMessage', {
            origin: server.url,
            registrationId: registration.registrationId,
            data: received.plaintext,
          });
        }
        return undefined;
      },
      30_000,
      'the notification',
    );
    expect(shown).toEqual([
      {
        title: 'Renew the passport',
        body: expect.stringContaining('Renew the passport'),
        tag: expect.stringMatching(/^reminder-/),
        actions: ['Done', 'Snooze 1 hour'],
      },
    ]);

    // Headless Chromium has no notification to click: the worker gets the click its button would send.
    const worker = context.serviceWorkers().find((w) => w.url() === `${server.url}/sw.js`)!;
    await worker.evaluate(`self.registration
      .getNotifications()
      .then(([notification]) => self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: 'done' })))`);
    await eventually(
      async () => (await apiCall('GET', `/api/tasks/${task.id}`)).status === 'completed' || undefined,
      10_000,
      'completed',
    );
    expect(await page.evaluate('navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.length)')).toBe(
      0,
    );
    const devices = (await apiCall<{ items: { id: string; lastSuccessAt: string | null }[] }>('GET', '/api/push/subscriptions'))
      .items;
    expect(devices.find((d) => d.id === registered.id)?.lastSuccessAt).not.toBeNull();
  });
});
