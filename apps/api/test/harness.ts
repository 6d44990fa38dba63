/** An in-process API over a fresh database and a test clock; no sockets. */
import { pino } from 'pino';
import {
  createServices,
  uuidV7Ids,
  type ConfirmationOptions,
  type LoginThrottleOptions,
  type Services,
  type WebhookOptions,
} from '@todo/services';
import { Store, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { createApp, type App, type AppDeps } from '../src/index.js';

export interface Harness {
  app: App;
  services: Services;
  store: Store;
  database: Database;
  clock: TestClock;
  close(): Promise<void>;
  /**
   * Creates a fresh user as the operator does (`todo user create`: self-service sign-up is
   * tested in signup.test.ts) with password `correct horse battery`; returns its bearer header, id and email.
   */
  user(timeZone?: string): Promise<{ auth: { authorization: string }; id: string; token: string; email: string }>;
  call(
    method: string,
    url: string,
    /** The bearer header, plus any other request headers. */
    auth?: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

let seq = 0;

export async function createHarness(
  options: {
    authRateLimit?: number;
    bodyLimit?: number;
    trustProxy?: boolean | string[];
    loginThrottle?: Partial<LoginThrottleOptions>;
    /** Account mail; without it, sign-up is open only to the first account. */
    accounts?: ConfirmationOptions;
    /** Outgoing webhooks: internal targets are refused unless this allows them. */
    webhooks?: WebhookOptions;
    app?: Partial<AppDeps>;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  const store = new Store(database.db);
  const clock = new TestClock('2026-11-27T09:00:00Z');
  const services = createServices(
    { store, clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
    {
      jwtSecret: 'x'.repeat(40),
      credentialCacheMs: 0,
      ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
    },
    // As a server runs: every list test also checks that no kept page outlives a write.
    {
      listCacheChars: 1_000_000,
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    },
  );
  const app = await createApp({
    services,
    store,
    clock,
    logger: pino({ level: 'silent' }),
    readiness: [{ name: 'database', check: () => database.ping() }],
    authRateLimit: options.authRateLimit ?? 1000,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...options.app,
  });
  const call: Harness['call'] = async (method, url, auth, body) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(auth ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = response.body;
    return { status: response.statusCode, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  return {
    app,
    services,
    store,
    database,
    clock,
    call,
    close: async () => {
      await app.close();
      await database.close();
    },
    user: async (timeZone = 'Europe/Berlin') => {
      const email = `u${++seq}-${Date.now()}@example.test`;
      const { token, user } = await services.auth.signUp({ email, password: 'correct horse battery', timeZone });
      return { auth: { authorization: `Bearer ${token}` }, id: user.id, token, email };
    },
  };
}
