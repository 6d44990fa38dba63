/**
 * Issue #4, acceptance 2 and 3: every role its own process with its own daprd — the api
 * (`backend`), notifier (`notification-service`), mailer (`email-delivery-service`) and
 * recurring (`recurring-task-service`) — on Redis Streams and on Kafka, with nothing changed
 * but the pub/sub component file. Then three notifier replicas behind one app-id, and a
 * reminder whose job is deleted from the Dapr scheduler (as a lost trigger) sent by the
 * notifier's reconciliation. Webhooks go out from the notifier process too, signed, in order.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, startSmtpCapture, type SmtpCapture } from '@todo/testing';
import type { Broker } from '../packages/transport/test/dapr.sidecar.js';
import { signUp } from './support/accounts.js';
import { api, eventually, type ServerProcess } from './support/process.js';
import { roleEnv, startRole, stopAll, type RoleProcess } from './support/roles.js';
import { startWebhookReceiver, type WebhookReceiver } from '../apps/cli/test/webhook-receiver.js';

describe.each<Broker>(['redis', 'kafka'])('every role in its own process with its own sidecar, pub/sub on %s', (broker) => {
  let smtp: SmtpCapture;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const roles: RoleProcess[] = [];
  let backend: ServerProcess;
  let receiver: WebhookReceiver;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    receiver = await startWebhookReceiver();
    db = await createPostgresDatabase('todo_roles');
    // The webhook receiver listens on loopback: allowed here, as an operator would.
    const env = { ...roleEnv(db.url, smtp.url), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
    // The api role first: it migrates the database the others share.
    roles.push(await startRole('api', `backend-${suffix}`, broker, env));
    backend = roles[0]!.server;
    const others = await Promise.all([
      startRole('notifier', `notification-service-${suffix}`, broker, env),
      startRole('mailer', `email-delivery-service-${suffix}`, broker, env),
      startRole('recurring', `recurring-task-service-${suffix}`, broker, env),
    ]);
    roles.push(...others);
  }, 180_000);

  afterAll(async () => {
    await stopAll(roles);
    await smtp?.close();
    await receiver?.close();
    await db?.drop();
  });

  it('sign up → recurring task with a reminder → one email → complete → one next occurrence → live over SSE', async () => {
    const { token } = await signUp(
      backend.url,
      {
        email: `roles-${broker}@example.test`,
        password: 'correct horse battery',
      },
      smtp,
    );
    const controller = new AbortController();
    const stream = await fetch(`${backend.url}/api/events/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const { secret } = await api(backend.url, 'POST', '/api/webhooks', token, { url: receiver.url });
    let seen = '';
    void (async () => {
      const reader = stream.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })();
    try {
      const fireAt = new Date(Date.now() + 5_000).toISOString();
      const task = await api(backend.url, 'POST', '/api/tasks', token, {
        title: `Roles apart on ${broker}`,
        due: { date: '2026-12-01' },
        recurrence: { rule: 'daily' },
        reminders: [{ type: 'absolute', at: fireAt }],
      });
      await eventually(
        () => smtp.messages.find((m) => m.subject.includes(`Roles apart on ${broker}`)),
        45_000,
        'the reminder email',
      );
      await api(backend.url, 'POST', `/api/tasks/${task.id}/complete`, token);
      const next = await eventually(
        async () => (await api(backend.url, 'GET', '/api/tasks?q=roles', token)).items.find((x: any) => x.occurrenceIndex === 1),
        45_000,
        'the next occurrence',
      );
      expect(next.due).toEqual({ date: '2026-12-02' });
      await eventually(
        () => (seen.includes('todo.task.completed.v1') && seen.includes(next.id)) || undefined,
        20_000,
        'the SSE events',
      );
      const series = (await api(backend.url, 'GET', '/api/tasks?status=all&q=roles', token)).items.filter(
        (x: any) => x.seriesId === task.id,
      );
      expect(series).toHaveLength(2);
      expect(smtp.messages.filter((m) => m.subject.includes(`Roles apart on ${broker}`))).toHaveLength(1);
      // The notifier process sent the task's events to the webhook, signed, in order.
      const hooks = await eventually(
        () => {
          const types = receiver.accepted().map((r) => {
            const body = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as any;
            return body.data.task.id === task.id ? body.type : null;
          });
          return types.includes('todo.task.completed.v1') ? types.filter(Boolean) : undefined;
        },
        20_000,
        'the webhook deliveries',
      );
      expect(hooks).toEqual(['todo.task.created.v1', 'todo.task.completed.v1']);
    } finally {
      controller.abort();
    }
  }, 120_000);
});

describe('replicas behind one app-id (Redis Streams): three notifiers, two api', () => {
  let smtp: SmtpCapture;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const roles: RoleProcess[] = [];
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    db = await createPostgresDatabase('todo_roles');
    // A fast reminder reconciliation, for the lost-job case below.
    const env = { ...roleEnv(db.url, smtp.url), REMINDER_RECONCILE_EVERY_MS: '1000', REMINDER_RECONCILE_GRACE_MS: '3000' };
    roles.push(await startRole('api', `backend-${suffix}`, 'redis', env));
    roles.push(
      ...(await Promise.all([
        startRole('notifier', `notification-service-${suffix}`, 'redis', env),
        startRole('notifier', `notification-service-${suffix}`, 'redis', env),
        startRole('notifier', `notification-service-${suffix}`, 'redis', env),
        startRole('mailer', `email-delivery-service-${suffix}`, 'redis', env),
        startRole('api', `backend-${suffix}`, 'redis', env),
      ])),
    );
  }, 180_000);

  afterAll(async () => {
    await stopAll(roles);
    await smtp?.close();
    await db?.drop();
  });

  it('50 reminders → exactly 50 emails', async () => {
    const backend = roles[0]!.server;
    const { token } = await signUp(
      backend.url,
      {
        email: 'replicas@example.test',
        password: 'correct horse battery',
      },
      smtp,
    );
    const fireAt = new Date(Date.now() + 8_000).toISOString();
    for (let i = 0; i < 50; i++) {
      await api(backend.url, 'POST', '/api/tasks', token, {
        title: `Replica reminder ${i}`,
        reminders: [{ type: 'absolute', at: fireAt }],
      });
    }
    await eventually(() => (smtp.messages.length >= 50 ? true : undefined), 60_000, '50 emails');
    // Give stragglers a chance to show up as duplicates before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const subjects = smtp.messages.map((m) => m.subject);
    expect(subjects).toHaveLength(50);
    expect(new Set(subjects).size).toBe(50);
  }, 120_000);

  it('a reminder whose job the scheduler lost is still sent, once, by the reconciliation', async () => {
    const backend = roles[0]!.server;
    const { token } = await signUp(
      backend.url,
      {
        email: 'lost-job@example.test',
        password: 'correct horse battery',
      },
      smtp,
    );
    const task = await api(backend.url, 'POST', '/api/tasks', token, {
      title: 'Lost job reminder',
      reminders: [{ type: 'absolute', at: new Date(Date.now() + 4_000).toISOString() }],
    });
    // Jobs belong to the app-id: any notifier replica's sidecar sees and deletes it.
    const dapr = roles[1]!.sidecar.client;
    const job = `/v1.0-alpha1/jobs/reminder-${task.reminders[0].id}`;
    await eventually(
      async () => ((await dapr.request('GET', job, { accept: [404, 500] })).status === 200 ? true : undefined),
      15_000,
      'the reminder job scheduled',
    );
    await dapr.request('DELETE', job);

    const sent = () => smtp.messages.filter((m) => m.subject.includes('Lost job reminder'));
    await eventually(() => (sent().length ? true : undefined), 30_000, 'the reminder email, sent by the reconciliation');
    const notifiers = roles.slice(1, 4); // the three notifier replicas
    const counts = await Promise.all(
      notifiers.map(async (r) => {
        const text = await (await fetch(r.server.metricsUrl)).text();
        return Number(/todo_reminders_reconciled_total\{outcome="emitted"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sent()).toHaveLength(1);
  }, 60_000);

  it('two api replicas: a browser connected to either sees every change, whichever replica the broker gave it to', async () => {
    // The first api replica, and the one started last.
    const [first, second] = [roles[0]!.server, roles.at(-1)!.server];
    const { token } = await signUp(
      first!.url,
      {
        email: 'api-replicas@example.test',
        password: 'correct horse battery',
      },
      smtp,
    );
    const controller = new AbortController();
    const streams = await Promise.all(
      [first!, second!].map(async (replica) => {
        const res = await fetch(`${replica.url}/api/events/stream`, {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        const seen = { text: '' };
        void (async () => {
          const reader = res.body!.getReader();
          for (;;) {
            const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
            if (done) return;
            seen.text += new TextDecoder().decode(value);
          }
        })();
        return seen;
      }),
    );
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await api(first!.url, 'POST', '/api/tasks', token, { title: `Live ${i}` })).id);
      await eventually(
        () => streams.every((s) => ids.every((id) => s.text.includes(id))) || undefined,
        30_000,
        'all 10 created tasks on the streams of both api replicas',
      );
    } finally {
      controller.abort();
    }
  }, 120_000);
});
