/**
 * The whole embedded runtime (every role, one process) over a fresh database, a test clock and
 * a real SMTP server. Time moves only when a test calls `advanceTo`, which then runs whatever
 * became due — no sleeping.
 */
import { pino } from 'pino';
import { loadConfig } from '@todo/config';
import { TestClock, createTestDatabase, startSmtpCapture, takeConfirmationToken, type SmtpCapture } from '@todo/testing';
import { createLogger, createRuntime, type Runtime } from '../src/index.js';
import { newVapidKeys } from '../src/vapid-keys.js';

export interface Pipeline {
  runtime: Runtime;
  clock: TestClock;
  smtp: SmtpCapture;
  call(method: string, url: string, auth?: { authorization: string }, body?: unknown): Promise<{ status: number; body: any }>;
  user(timeZone?: string): Promise<{ auth: { authorization: string }; id: string; email: string }>;
  /** Moves the clock and runs everything that became due. */
  advanceTo(instant: string | Date): Promise<void>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

export async function createPipeline(
  start = '2026-11-27T09:00:00Z',
  options: { logSink?: NodeJS.WritableStream; env?: Record<string, string> } = {},
): Promise<Pipeline> {
  const smtp = await startSmtpCapture();
  const clock = new TestClock(start);
  const database = await createTestDatabase({ outboxMode: 'deliver' });
  // Given, so that the runtime does not keep a generated pair in ./data.
  const vapid = newVapidKeys();
  const config = loadConfig({
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    SMTP_URL: smtp.url,
    PUBLIC_URL: 'http://todo.test',
    JWT_SECRET: 'p'.repeat(40),
    LOG_LEVEL: 'silent',
    // Tests run the reconciliations by hand, when the clock says so.
    RECURRENCE_RECONCILE_EVERY_MS: '0',
    REMINDER_RECONCILE_EVERY_MS: '0',
    // A loaded test machine stalls the event loop and queues requests; shedding is tested in
    // apps/api/test/overload.test.ts.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_QUEUE_MS: '0',
    // Webhook retries likewise, by `advanceTo`.
    WEBHOOK_RETRY_EVERY_MS: '0',
    ...options.env,
  });
  const logger = options.logSink ? createLogger({ ...config, logLevel: 'info' }, options.logSink) : pino({ level: 'silent' });
  const runtime = await createRuntime(config, { clock, database, logger });
  // Subscriptions are recorded at start; the loops' timers are real, but what is due is judged by the clock.
  await runtime.start();
  const call: Pipeline['call'] = async (method, url, auth, body) => {
    const res = await runtime.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(auth ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return {
      status: res.statusCode,
      body: res.body ? (res.headers['content-type']?.toString().includes('json') ? JSON.parse(res.body) : res.body) : null,
    };
  };
  return {
    runtime,
    clock,
    smtp,
    call,
    // Signs up as a person does with mail configured: the link in the mail creates the account
    // and its page's button signs the browser in. The confirmation mail is taken out of `smtp`.
    user: async (timeZone = 'Europe/Berlin') => {
      const email = `p${++seq}-${Date.now()}@example.test`;
      const res = await call('POST', '/api/auth/signup', undefined, {
        email,
        password: 'correct horse battery',
        timeZone,
        name: 'Pat',
      });
      if (res.status !== 202) throw new Error(`signup answered ${res.status}: ${JSON.stringify(res.body)}`);
      await runtime.services.confirmations.settled();
      const confirmed = await runtime.app.inject({
        method: 'POST',
        url: `/confirm/${takeConfirmationToken(smtp, email)}`,
        headers: { origin: 'http://todo.test' },
      });
      const token = /todo_session=([^;]+)/.exec(String(confirmed.headers['set-cookie']))?.[1];
      if (!token) throw new Error(`confirmation answered ${confirmed.statusCode}: ${confirmed.body}`);
      const auth = { authorization: `Bearer ${token}` };
      return { auth, id: (await call('GET', '/api/me', auth)).body.id, email };
    },
    advanceTo: async (instant) => {
      clock.set(instant);
      await runtime.drain();
    },
    settle: () => runtime.drain(),
    close: async () => {
      await runtime.close();
      await smtp.close();
    },
  };
}
