/**
 * The session cookie is sent by the browser on its own, so a request that changes anything
 * with it must come from a page of this site: the same scheme, host and port, or the
 * configured PUBLIC_URL however the server was reached. Logging out is such a change too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

const PUBLIC_URL = 'https://todo.example.com';

describe('cookie requests from other origins', () => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await createHarness({ app: { publicUrl: PUBLIC_URL } });
    cookie = `todo_session=${(await h.user()).token}`;
  });
  afterAll(() => h?.close());

  const create = (headers: Record<string, string>) =>
    h.app.inject({ method: 'POST', url: '/api/tasks', headers: { cookie, ...headers }, payload: { title: 'from a page' } });

  it('accepts the PUBLIC_URL origin whatever host the server was reached by', async () => {
    for (const host of ['todo.example.com', '127.0.0.1:8080', 'todo-api.default.svc:80']) {
      expect((await create({ origin: PUBLIC_URL, host })).statusCode, host).toBe(201);
    }
    expect((await create({ referer: `${PUBLIC_URL}/all?tag=x`, host: '127.0.0.1:8080' })).statusCode).toBe(201);
  });

  it('accepts the exact origin the request was sent to', async () => {
    expect((await create({ origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' })).statusCode).toBe(201);
    // Default ports are the same origin written either way.
    expect((await create({ origin: 'http://localhost', host: 'localhost:80' })).statusCode).toBe(201);
  });

  it('refuses another scheme, host or port, an opaque origin, and no origin at all', async () => {
    const refused: Record<string, string>[] = [
      { origin: 'https://127.0.0.1:8080', host: '127.0.0.1:8080' }, // same host and port, other scheme
      { origin: 'http://todo.example.com', host: '127.0.0.1:8080' }, // PUBLIC_URL's host, other scheme
      { origin: 'https://todo.example.com:8443', host: '127.0.0.1:8080' }, // other port
      { origin: 'http://127.0.0.1:9999', host: '127.0.0.1:8080' },
      { origin: 'https://evil.example', host: 'todo.example.com' },
      { origin: 'null', host: '127.0.0.1:8080' },
      { referer: 'not a url', host: '127.0.0.1:8080' },
      { host: '127.0.0.1:8080' },
    ];
    for (const headers of refused) {
      const res = await create(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('refuses a cross-site logout and keeps the session; logs out from its own page', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, {}]) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, host: 'todo.example.com', ...headers },
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const me = () => h.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);

    const own = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, host: '127.0.0.1:8080', origin: PUBLIC_URL },
    });
    expect(own.statusCode).toBe(204);
    expect((await me()).statusCode).toBe(401);
  });
});
