/**
 * The same app under `USE_DAPR=true`, next to a real daprd (Redis Streams pub/sub, PostgreSQL v2
 * state store, the real Dapr scheduler for jobs, a local.file secret store holding the JWT
 * secret and the SMTP URL): a reminder becomes exactly one email and a completion the next
 * occurrence — no code or app config change from the embedded runtime.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, startSmtpCapture, type SmtpCapture } from '@todo/testing';
import { Sidecar, components, freePort } from '../packages/transport/test/dapr.sidecar.js';
import { signUp } from './support/accounts.js';
import { api, eventually, startServer, type ServerProcess } from './support/process.js';

describe('the Dapr runtime end to end (one process, one sidecar, Redis Streams)', () => {
  let smtp: SmtpCapture;
  let sidecar: Sidecar;
  let server: ServerProcess;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    db = await createPostgresDatabase('todo_dapr');
    const [appPort, daprPort] = [await freePort(), await freePort()];
    const appId = `backend-${randomBytes(3).toString('hex')}`;
    const secretsFile = join(mkdtempSync(join(tmpdir(), 'todo-secrets-')), 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ JWT_SECRET: randomBytes(32).toString('hex'), SMTP_URL: smtp.url }));
    // The app waits for the sidecar's components; the sidecar waits for the app's port.
    const starting = startServer(
      {
        USE_DAPR: 'true',
        PORT: String(appPort),
        DAPR_HTTP_PORT: String(daprPort),
        DATABASE_URL: db.url,
        SECRETSTORE_NAME: 'secretstore',
        JWT_SECRET: '',
        SMTP_URL: '',
        PUBLIC_URL: 'http://todo.test',
      },
      60_000,
    );
    starting.catch(() => undefined); // awaited below
    sidecar = await Sidecar.start({
      appId,
      appPort,
      httpPort: daprPort,
      resources: {
        'pubsub.yaml': components.pubsub('redis'),
        'statestore.yaml': components.statestore(),
        'resiliency.yaml': components.resiliency(appId, 3, 500),
        'secretstore.yaml': `apiVersion: dapr.io/v1alpha1
kind: Component
metadata: { name: secretstore }
spec:
  type: secretstores.local.file
  version: v1
  metadata:
    - { name: secretsFile, value: ${JSON.stringify(secretsFile)} }
`,
      },
    });
    server = await starting;
  }, 90_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await sidecar?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('took the JWT secret and the SMTP URL from the secret store (the environment had neither)', () => {
    expect(server.output()).toContain('secret store "secretstore" provided JWT_SECRET, SMTP_URL');
  });

  it('reports the sidecar in readiness', async () => {
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready).toEqual({ status: 'ready', checks: { database: 'ok', writes: 'ok', 'dapr-sidecar': 'ok' } });
  });

  it('turns a reminder into exactly one email through Dapr pub/sub and the Dapr scheduler', async () => {
    const { token } = await signUp(
      server.url,
      {
        email: 'dapr@example.test',
        password: 'correct horse battery',
      },
      smtp,
    );
    const fireAt = new Date(Date.now() + 4_000).toISOString();
    await api(server.url, 'POST', '/api/tasks', token, {
      title: 'Through the sidecar',
      reminders: [{ type: 'absolute', at: fireAt }],
    });
    const mail = await eventually(
      () => smtp.messages.find((m) => m.subject.includes('Through the sidecar')),
      30_000,
      'the reminder email',
    );
    expect(mail.to).toEqual(['dapr@example.test']);

    const t = await api(server.url, 'POST', '/api/tasks', token, {
      title: 'Dapr series',
      due: { date: '2026-12-01' },
      recurrence: { rule: 'daily' },
    });
    await api(server.url, 'POST', `/api/tasks/${t.id}/complete`, token);
    const next = await eventually(
      async () => (await api(server.url, 'GET', '/api/tasks?q=series', token)).items.find((x: any) => x.occurrenceIndex === 1),
      30_000,
      'the next occurrence',
    );
    expect(next.due).toEqual({ date: '2026-12-02' });
    expect(smtp.messages.filter((m) => m.subject.includes('Through the sidecar'))).toHaveLength(1);
  }, 90_000);
});
