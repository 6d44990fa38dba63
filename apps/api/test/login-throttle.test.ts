/**
 * Issue 21: wrong passwords are throttled per account and client with exponential back-off,
 * and per client across accounts; the owner on another client is never locked out by someone
 * else's failures. The client is the X-Forwarded-For address only when TRUST_PROXY trusts the
 * peer. Time passes through the test clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

const PASSWORD = 'correct horse battery';
const ATTACKER = { 'x-forwarded-for': '203.0.113.9' };
const OWNER = { 'x-forwarded-for': '198.51.100.7' };

describe('login throttle', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const logIn = (from: Record<string, string>, email: string, password: string) =>
    h!.call('POST', '/api/auth/login', from, { email, password });

  it('backs off exponentially per account and client, and never locks out the owner on another client', async () => {
    h = await createHarness({ trustProxy: true });
    const victim = await h.user();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await logIn(ATTACKER, victim.email, `guess ${i} wrong`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);

    // The sixth failure costs 1 s: even the right password from that client waits (no oracle).
    const blocked = await logIn(ATTACKER, victim.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(blocked.headers['retry-after']).toBe('1');
    expect((await logIn(OWNER, victim.email, PASSWORD)).status).toBe(200);

    h.clock.advance(1_000);
    expect((await logIn(ATTACKER, victim.email, 'guess 6 wrong')).status).toBe(401);
    expect((await logIn(ATTACKER, victim.email, PASSWORD)).headers['retry-after']).toBe('2');
    h.clock.advance(2_000);
    expect((await logIn(ATTACKER, victim.email, 'guess 7 wrong')).status).toBe(401);
    expect((await logIn(ATTACKER, victim.email, PASSWORD)).headers['retry-after']).toBe('4');
    expect((await logIn(OWNER, victim.email, PASSWORD)).status).toBe(200);

    // Waiting it out, the right password works and clears the count.
    h.clock.advance(4_000);
    expect((await logIn(ATTACKER, victim.email, PASSWORD)).status).toBe(200);
    expect((await logIn(ATTACKER, victim.email, 'wrong again')).status).toBe(401);
  });

  it('gives a burst of parallel guesses no more tries than the same guesses in a row', async () => {
    h = await createHarness({ trustProxy: true });
    const victim = await h.user();
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => logIn(ATTACKER, victim.email, `parallel guess ${i}`)));
    const statuses = burst.map((r) => r.status);
    // In a row, the first 6 wrong passwords get an answer and the 7th waits.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await logIn(OWNER, victim.email, PASSWORD)).status).toBe(200);
  });

  it('counts an IPv6 /64 as one client, so rotating addresses in it earns no fresh tries', async () => {
    h = await createHarness({ trustProxy: true });
    const victim = await h.user();
    const from = (i: number) => ({ 'x-forwarded-for': `2001:db8:1:2::${(i + 1).toString(16)}` });
    for (let i = 0; i < 6; i++) expect((await logIn(from(i), victim.email, `guess ${i}`)).status).toBe(401);
    expect((await logIn(from(6), victim.email, PASSWORD)).status).toBe(429);
    expect((await logIn({ 'x-forwarded-for': '2001:db8:1:3::1' }, victim.email, PASSWORD)).status).toBe(200);
  });

  it('caps failures per client across accounts, for that client only, until the window ends', async () => {
    h = await createHarness({ trustProxy: true, loginThrottle: { clientCeiling: 5, clientWindowMs: 3_600_000 } });
    const owner = await h.user();
    for (let i = 0; i < 5; i++) expect((await logIn(ATTACKER, `sprayed-${i}@example.test`, 'Winter2026!')).status).toBe(401);
    const capped = await logIn(ATTACKER, 'sprayed-9@example.test', 'Winter2026!');
    expect(capped.status).toBe(429);
    expect(capped.headers['retry-after']).toBe('3600');
    expect((await logIn(ATTACKER, owner.email, PASSWORD)).status).toBe(429);
    expect((await logIn(OWNER, owner.email, PASSWORD)).status).toBe(200);
    h.clock.advance(3_600_000);
    expect((await logIn(ATTACKER, owner.email, PASSWORD)).status).toBe(200);
  });

  it('throttles wrong current passwords on email and password change like logins', async () => {
    h = await createHarness({ trustProxy: true });
    const u = await h.user();
    const token = { authorization: `Bearer ${(await h.call('POST', '/api/tokens', u.auth, { name: 'stolen' })).body.secret}` };
    const guess = (password: string) =>
      h!.call('POST', '/api/me/password', { ...token, ...ATTACKER }, { currentPassword: password, newPassword: 'taken over pw' });
    for (let i = 0; i < 6; i++) expect((await guess(`guess ${i}`)).status).toBe(401);
    expect((await guess(PASSWORD)).status).toBe(429);
    const email = await h.call(
      'PATCH',
      '/api/me',
      { ...token, ...ATTACKER },
      { email: 'thief@example.test', currentPassword: PASSWORD },
    );
    expect(email.status).toBe(429);
    expect((await logIn(OWNER, u.email, PASSWORD)).status).toBe(200);
  });

  it('without TRUST_PROXY ignores X-Forwarded-For: every request behind one proxy is one client', async () => {
    h = await createHarness();
    const victim = await h.user();
    for (let i = 0; i < 6; i++) await logIn(ATTACKER, victim.email, `guess ${i} wrong`);
    // Both "clients" reach the app from the proxy's address, so they share the count.
    expect((await logIn(OWNER, victim.email, PASSWORD)).status).toBe(429);
  });
});
