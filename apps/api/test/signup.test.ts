/**
 * Self-service accounts on a server without mail (the laptop default): nothing can be
 * confirmed, so sign-up is open only until the first account exists and an email change
 * applies at once only while the account is the only one. Every refusal is the same for a
 * free and a taken address: no answer tells whether an address has an account. With mail:
 * apps/cli/test/account-mail.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

const PASSWORD = 'correct horse battery';
const signUp = (h: Harness, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/auth/signup', payload: body });

describe('sign-up without mail', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h?.close());

  it('signs the first account up at once, as the administrator, then closes sign-up alike for free and taken addresses', async () => {
    const first = await signUp(h, { email: 'Ann@Example.test', password: PASSWORD, timeZone: 'Europe/Berlin' });
    expect(first.statusCode).toBe(201);
    expect(first.json().user).toMatchObject({ email: 'ann@example.test', timeZone: 'Europe/Berlin', isAdmin: true });
    expect(String(first.headers['set-cookie'])).toMatch(/todo_session=.*HttpOnly.*SameSite=Strict/i);
    const auth = { authorization: `Bearer ${first.json().token}` };
    expect((await h.call('GET', '/api/me', auth)).body.email).toBe('ann@example.test');

    const taken = await signUp(h, { email: 'ANN@example.test', password: 'another password' });
    const free = await signUp(h, { email: 'bo@example.test', password: 'another password' });
    expect(taken.statusCode).toBe(403);
    expect(taken.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(taken.json()).toMatchObject({ code: 'SIGNUP_CLOSED' });
    expect(free.statusCode).toBe(taken.statusCode);
    expect(free.body).toBe(taken.body);
    expect(await h.store.repos.users.count()).toBe(1);
  });

  it('checks the input before anything else, with field errors', async () => {
    const weak = await h.call('POST', '/api/auth/signup', undefined, { email: 'weak@example.test', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'password' }] });
    const badZone = await h.call('POST', '/api/auth/signup', undefined, {
      email: 'z@example.test',
      password: PASSWORD,
      timeZone: 'Mars/Base',
    });
    expect(badZone.body).toMatchObject({ code: 'INVALID_TIME_ZONE', errors: [{ field: 'timeZone' }] });
    expect(await h.store.repos.users.count()).toBe(0);
  });

  it('refuses an email change alike for free and taken addresses once another account exists', async () => {
    const ann = await h.user();
    const bo = await h.user();
    const change = (email: string) =>
      h.app.inject({ method: 'PATCH', url: '/api/me', headers: ann.auth, payload: { email, currentPassword: PASSWORD } });
    const taken = await change(bo.email);
    const free = await change('free@example.test');
    expect(taken.statusCode).toBe(403);
    expect(taken.json()).toMatchObject({ code: 'EMAIL_CHANGE_UNAVAILABLE' });
    expect(free.statusCode).toBe(taken.statusCode);
    expect(free.body).toBe(taken.body);
    expect((await h.call('GET', '/api/me', ann.auth)).body.email).toBe(ann.email);
    // Still a password check first: a wrong one is not told apart by the address either.
    const wrong = await h.call('PATCH', '/api/me', ann.auth, { email: bo.email, currentPassword: 'not my password' });
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });
});
