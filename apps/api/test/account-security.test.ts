/**
 * Issue 21, accounts and tokens: what a token may mint and revoke, what needs the current
 * password, and signing out everywhere — over REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

const PASSWORD = 'correct horse battery';
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('token minting and revocation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  const mint = (auth: Record<string, string>, body: Record<string, unknown>) => h.call('POST', '/api/tokens', auth, body);

  it('lets a token mint only tokens with no more scope and no later expiry than its own', async () => {
    h.clock.set('2026-11-27T09:00:00Z');
    const u = await h.user();
    const parent = await mint(u.auth, { name: 'parent', expiresAt: '2026-11-27T10:00:00Z' });
    expect(parent.status).toBe(201);
    const asParent = bearer(parent.body.secret);

    const forever = await mint(asParent, { name: 'forever' });
    expect(forever.status).toBe(400);
    expect(forever.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'expiresAt' }] });
    const later = await mint(asParent, { name: 'later', expiresAt: '2026-11-27T10:00:01Z' });
    expect(later.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'expiresAt' }] });

    const same = await mint(asParent, { name: 'same', expiresAt: '2026-11-27T10:00:00Z' });
    expect(same.status).toBe(201);
    const reader = await mint(asParent, { name: 'reader', scopes: ['read'], expiresAt: '2026-11-27T09:30:00Z' });
    expect(reader.status).toBe(201);
    // A read-only token holds no write scope, so it can neither mint nor ask for write.
    const fromReader = await mint(bearer(reader.body.secret), { name: 'x', scopes: ['read'], expiresAt: '2026-11-27T09:10:00Z' });
    expect(fromReader.status).toBe(403);
    expect(fromReader.body.code).toBe('INSUFFICIENT_SCOPE');

    // A session may create any token, and a token that never expires may mint one that never does.
    const unbounded = await mint(u.auth, { name: 'unbounded' });
    expect((await mint(bearer(unbounded.body.secret), { name: 'child of unbounded' })).status).toBe(201);
  });

  it('revokes what a token minted, transitively, when the token is revoked', async () => {
    h.clock.set('2026-11-27T09:00:00Z');
    const u = await h.user();
    const parent = await mint(u.auth, { name: 'parent' });
    const child = await mint(bearer(parent.body.secret), { name: 'child' });
    const grandchild = await mint(bearer(child.body.secret), { name: 'grandchild' });
    const sibling = await mint(u.auth, { name: 'unrelated' });
    for (const t of [parent, child, grandchild, sibling]) expect(t.status).toBe(201);

    expect((await h.call('DELETE', `/api/tokens/${parent.body.token.id}`, u.auth)).status).toBe(204);
    for (const t of [parent, child, grandchild]) {
      expect((await h.call('GET', '/api/me', bearer(t.body.secret))).status, t.body.token.name).toBe(401);
    }
    expect((await h.call('GET', '/api/me', bearer(sibling.body.secret))).status).toBe(200);
    const left = await h.call('GET', '/api/tokens', u.auth);
    expect(left.body.items.map((t: { name: string }) => t.name)).toEqual(['unrelated']);
  });

  it('lets a token revoke only itself and its descendants', async () => {
    const u = await h.user();
    const parent = await mint(u.auth, { name: 'parent' });
    const child = await mint(bearer(parent.body.secret), { name: 'child' });
    const grandchild = await mint(bearer(child.body.secret), { name: 'grandchild' });
    const other = await mint(u.auth, { name: 'other' });

    for (const target of [parent, other]) {
      const refused = await h.call('DELETE', `/api/tokens/${target.body.token.id}`, bearer(child.body.secret));
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    }
    expect((await h.call('DELETE', `/api/tokens/${grandchild.body.token.id}`, bearer(child.body.secret))).status).toBe(204);
    expect((await h.call('GET', '/api/me', bearer(grandchild.body.secret))).status).toBe(401);
    expect((await h.call('DELETE', `/api/tokens/${child.body.token.id}`, bearer(child.body.secret))).status).toBe(204);
    expect((await h.call('GET', '/api/me', bearer(child.body.secret))).status).toBe(401);
    expect((await h.call('GET', '/api/me', bearer(parent.body.secret))).status).toBe(200);
  });
});

describe('password, email and sign-out-everywhere', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  const logIn = (email: string, password = PASSWORD) => h.call('POST', '/api/auth/login', undefined, { email, password });

  it('changes the email only with the current password, even for a read+write token', async () => {
    // The harness's only account, on a server without mail: the change applies at once
    // (with mail or other accounts it waits for a link: signup.test.ts, apps/cli/test/account-mail.test.ts).
    const u = await h.user();
    const token = bearer((await h.call('POST', '/api/tokens', u.auth, { name: 'rw' })).body.secret);
    const email = `new-${u.email}`;

    const missing = await h.call('PATCH', '/api/me', token, { email });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'currentPassword' }] });
    const wrong = await h.call('PATCH', '/api/me', token, { email, currentPassword: 'not my password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS', errors: [{ field: 'currentPassword' }] });
    expect((await h.call('GET', '/api/me', u.auth)).body.email).toBe(u.email);

    // The same email (the settings form sends it with every change) and other fields need no password.
    const same = await h.call('PATCH', '/api/me', token, { email: u.email.toUpperCase(), name: 'Ann' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ email: u.email, name: 'Ann' });

    const changed = await h.call('PATCH', '/api/me', token, { email, currentPassword: PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body.email).toBe(email);
    expect((await logIn(email)).status).toBe(200);
  });

  it('changes the password with the current one, ending the other sessions but not this one', async () => {
    const u = await h.user();
    const other = bearer((await logIn(u.email)).body.token);
    const token = bearer((await h.call('POST', '/api/tokens', u.auth, { name: 'kept' })).body.secret);

    const wrong = await h.call('POST', '/api/me/password', u.auth, {
      currentPassword: 'nope',
      newPassword: 'a new long password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS', errors: [{ field: 'currentPassword' }] });
    const weak = await h.call('POST', '/api/me/password', u.auth, { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'newPassword' }] });
    expect((await h.call('GET', '/api/me', other)).status).toBe(200);

    const ok = await h.call('POST', '/api/me/password', u.auth, {
      currentPassword: PASSWORD,
      newPassword: 'a new long password',
    });
    expect(ok.status).toBe(204);
    expect((await h.call('GET', '/api/me', other)).status).toBe(401);
    expect((await h.call('GET', '/api/me', u.auth)).status).toBe(200);
    expect((await h.call('GET', '/api/me', token)).status).toBe(200);
    expect((await logIn(u.email)).status).toBe(401);
    expect((await logIn(u.email, 'a new long password')).status).toBe(200);
  });

  it('signs out every session, and with tokens: true every API token as well', async () => {
    const u = await h.user();
    const second = bearer((await logIn(u.email)).body.token);
    const token = bearer((await h.call('POST', '/api/tokens', u.auth, { name: 't' })).body.secret);

    const out = await h.call('POST', '/api/me/sign-out-everywhere', second, {});
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/todo_session=;/);
    expect((await h.call('GET', '/api/me', u.auth)).status).toBe(401);
    expect((await h.call('GET', '/api/me', second)).status).toBe(401);
    expect((await h.call('GET', '/api/me', token)).status).toBe(200);

    const third = bearer((await logIn(u.email)).body.token);
    expect((await h.call('POST', '/api/me/sign-out-everywhere', third, { tokens: true })).status).toBe(204);
    expect((await h.call('GET', '/api/me', third)).status).toBe(401);
    expect((await h.call('GET', '/api/me', token)).status).toBe(401);
    expect((await h.call('GET', '/api/tokens', bearer((await logIn(u.email)).body.token))).body.items).toEqual([]);
  });
});
