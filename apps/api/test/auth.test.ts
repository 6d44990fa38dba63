import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, uuidV7Ids } from '@todo/services';
import { TestClock } from '@todo/testing';
import { schema } from '@todo/storage';
import { createHarness, type Harness } from './harness.js';

const PASSWORD = 'correct horse battery';

describe('accounts and tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  it('logs in, reads the profile and logs out', async () => {
    const u = await h.user('Europe/Berlin');
    const login = await h.call('POST', '/api/auth/login', undefined, { email: u.email.toUpperCase(), password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: u.email, timeZone: 'Europe/Berlin', reminderHour: 9 });
    expect(String(login.headers['set-cookie'])).toMatch(/todo_session=.*HttpOnly.*SameSite=Strict/i);
    const auth = { authorization: `Bearer ${login.body.token}` };
    expect((await h.call('GET', '/api/me', auth)).body.email).toBe(u.email);

    expect((await h.call('POST', '/api/auth/logout', auth)).status).toBe(204);
    const after = await h.call('GET', '/api/me', auth);
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });

  it('stores a memory-hard password hash, never the password', async () => {
    const u = await h.user();
    const row = await h.store.repos.users.findByEmail(u.email);
    expect(row?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row?.passwordHash).not.toContain(PASSWORD);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const u = await h.user();
    const wrong = await h.call('POST', '/api/auth/login', undefined, { email: u.email, password: 'wrong password' });
    const unknown = await h.call('POST', '/api/auth/login', undefined, {
      email: 'nobody@example.test',
      password: 'wrong password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual({ ...wrong.body });
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('creates scoped API tokens, stores only their hash, and revokes them', async () => {
    const u = await h.user();
    const created = await h.call('POST', '/api/tokens', u.auth, { name: 'script', scopes: ['read'] });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^todo_/);
    const rows = await h.store.repos.tokens.list(u.id);
    expect(rows).toHaveLength(1);
    const stored = await h.app.inject({ method: 'GET', url: '/api/tokens', headers: u.auth });
    expect(stored.body).not.toContain(secret);

    const asToken = { authorization: `Bearer ${secret}` };
    expect((await h.call('GET', '/api/tasks', asToken)).status).toBe(200);
    const write = await h.call('POST', '/api/tasks', asToken, { title: 'nope' });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('INSUFFICIENT_SCOPE');

    expect((await h.call('DELETE', `/api/tokens/${created.body.token.id}`, u.auth)).status).toBe(204);
    expect((await h.call('GET', '/api/tasks', asToken)).status).toBe(401);
  });

  it('keeps only a SHA-256 of token secrets in the database', async () => {
    const u = await h.user();
    const created = await h.call('POST', '/api/tokens', u.auth, { name: 'x' });
    const rows = await h.database.db.select().from(schema.apiTokens);
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(created.body.secret).digest('hex');
    expect(JSON.stringify(rows)).not.toContain(created.body.secret);
    expect(rows.some((r) => r.tokenHash === hash)).toBe(true);
  });

  it('stops accepting a token after it expires (test clock)', async () => {
    const u = await h.user();
    const created = await h.call('POST', '/api/tokens', u.auth, { name: 'short', expiresAt: '2026-11-27T10:00:00Z' });
    const asToken = { authorization: `Bearer ${created.body.secret}` };
    expect((await h.call('GET', '/api/me', asToken)).status).toBe(200);
    h.clock.set('2026-11-27T10:00:01Z');
    expect((await h.call('GET', '/api/me', asToken)).status).toBe(401);
    h.clock.set('2026-11-27T09:00:00Z');
    const past = await h.call('POST', '/api/tokens', u.auth, { name: 'past', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'expiresAt' }] });
  });

  it('with cached credentials, still refuses a session JWT past its expiry', async () => {
    const clock = new TestClock('2026-11-27T09:00:00Z');
    const { auth } = createServices(
      { store: h.store, clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
      { jwtSecret: 'y'.repeat(40), credentialCacheMs: 3_600_000, sessionTtlSeconds: 60 },
    );
    const session = await auth.signUp({ email: 'cached@example.test', password: 'correct horse battery' });
    await expect(auth.authenticate(session.token)).resolves.toMatchObject({ userId: session.user.id });
    clock.advance(61_000);
    await expect(auth.authenticate(session.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stops accepting a session JWT once it expires, even one it has accepted before (test clock)', async () => {
    const u = await h.user();
    expect((await h.call('GET', '/api/me', u.auth)).status).toBe(200);
    expect((await h.call('GET', '/api/me', u.auth)).status).toBe(200);
    h.clock.set('2026-12-28T09:00:00Z'); // sessions last 30 days
    const expired = await h.call('GET', '/api/me', u.auth);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHENTICATED');
    h.clock.set('2026-11-27T09:00:00Z');
  });

  it('accepts the session cookie for reads, and for writes only from its own origin', async () => {
    const u = await h.user();
    const cookie = { cookie: `todo_session=${u.token}` };
    expect((await h.app.inject({ method: 'GET', url: '/api/me', headers: cookie })).statusCode).toBe(200);
    const crossSite = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...cookie, origin: 'https://evil.example', host: 'localhost' },
      payload: { title: 'x' },
    });
    expect(crossSite.statusCode).toBe(403);
    const sameSite = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...cookie, origin: 'http://localhost', host: 'localhost' },
      payload: { title: 'x' },
    });
    expect(sameSite.statusCode).toBe(201);
  });

  it('rejects garbage credentials with 401 problem+json', async () => {
    for (const authorization of ['Bearer nonsense', 'Basic abc', 'Bearer todo_notarealtoken']) {
      const res = await h.call('GET', '/api/tasks', { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('login rate limit', () => {
  it('answers 429 problem+json after the per-minute budget', async () => {
    const h = await createHarness({ authRateLimit: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await h.call('POST', '/api/auth/login', undefined, { email: 'x@example.test', password: 'whatever pw' })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const limited = await h.call('POST', '/api/auth/login', undefined, { email: 'x@example.test', password: 'whatever pw' });
      expect(limited.body.code).toBe('RATE_LIMITED');
    } finally {
      await h.close();
    }
  });
});
