/**
 * Issue #3, acceptance 3: SIGKILL between a task change and its delivery loses nothing, and a
 * reminder job that fell due while the process was down fires after the restart — once.
 * Real processes on real time: outcomes are awaited by polling, never by fixed sleeps.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, startSmtpCapture, tempDataDir, type SmtpCapture } from '@todo/testing';
import { signUp } from './support/accounts.js';
import { api, eventually, startServer } from './support/process.js';

describe('crash recovery with real processes (PostgreSQL)', () => {
  let smtp: SmtpCapture;
  let env: Record<string, string>;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    db = await createPostgresDatabase('todo_e2e');
    env = {
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PUBLIC_URL: 'http://todo.test',
    };
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  it(
    'delivers an event committed just before a SIGKILL, and fires a job that came due while down',
    { timeout: 90_000 },
    async () => {
      // A first full start registers every role's subscription, as an install would.
      const first = await startServer({ ...env, ROLES: 'all' });
      const { token } = await signUp(
        first.url,
        {
          email: 'kill@example.test',
          password: 'correct horse battery',
        },
        smtp,
      );
      await first.kill('SIGTERM');

      // Only the API runs: the change commits with its event, then the process dies hard.
      const apiOnly = await startServer({ ...env, ROLES: 'api' });
      const fireAt = new Date(Date.now() + 4_000);
      const task = await api(apiOnly.url, 'POST', '/api/tasks', token, {
        title: 'Survives a crash',
        reminders: [{ type: 'absolute', at: fireAt.toISOString() }],
      });
      await apiOnly.kill('SIGKILL');

      // Nothing runs while the reminder falls due.
      await eventually(() => Date.now() > fireAt.getTime() + 500 || undefined, 10_000, 'the reminder time to pass');
      expect(smtp.messages).toHaveLength(0);

      const restarted = await startServer({ ...env, ROLES: 'all' });
      try {
        // If a delivery was claimed when the process died, its lease (30 s) must pass before
        // another dispatcher takes it over.
        const mail = await eventually(
          () => smtp.messages.find((m) => m.subject.includes('Survives a crash')),
          50_000,
          'the reminder email',
        );
        expect(mail.to).toEqual(['kill@example.test']);
        const notes = await eventually(async () => {
          const page = await api(restarted.url, 'GET', '/api/notifications', token);
          return page.items.length ? page : undefined;
        });
        expect(notes.items[0].taskId).toBe(task.id);
      } finally {
        await restarted.kill('SIGTERM');
      }
      expect(smtp.messages.filter((m) => m.subject.includes('Survives a crash'))).toHaveLength(1);
    },
  );

  it('a completion cut short by SIGKILL still yields exactly one next occurrence after the restart', async () => {
    const server = await startServer({ ...env, ROLES: 'all' });
    const { token } = await api(server.url, 'POST', '/api/auth/login', undefined, {
      email: 'kill@example.test',
      password: 'correct horse battery',
    });
    const t = await api(server.url, 'POST', '/api/tasks', token, {
      title: 'Recurring crash',
      due: { date: '2026-12-01' },
      recurrence: { rule: 'daily' },
    });
    await api(server.url, 'POST', `/api/tasks/${t.id}/complete`, token);
    await server.kill('SIGKILL');
    const again = await startServer({ ...env, ROLES: 'all' });
    try {
      const series = await eventually(
        async () => {
          const page = await api(again.url, 'GET', '/api/tasks?status=all&q=crash&limit=50', token);
          const items = page.items.filter((x: any) => x.seriesId === t.id);
          return items.length === 2 ? items : undefined;
        },
        45_000,
        'the next occurrence',
      );
      expect(series.map((x: any) => x.occurrenceIndex).sort()).toEqual([0, 1]);
    } finally {
      await again.kill('SIGTERM');
    }
    // When the kill lands while the delivery is claimed, the restart waits out the 30 s lease.
  }, 60_000);
});

describe('roles started alone', () => {
  it('a process with only the notifier role answers health probes and serves no API', async () => {
    const dir = tempDataDir('todo-role-');
    const notifier = await startServer({ ROLES: 'notifier', DATA_DIR: dir });
    try {
      expect(await (await fetch(`${notifier.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${notifier.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${notifier.url}/api/tasks`)).status).toBe(404);
    } finally {
      await notifier.kill('SIGTERM');
    }
  });
});
