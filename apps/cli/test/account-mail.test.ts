/**
 * Sign-up and email change with mail configured, through the whole runtime and a real SMTP
 * server: the answer is the same for a free and a taken address, and only the mail tells —
 * a single-use, expiring link to a free address, a notice to a taken one's owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeConfirmationToken } from '@todo/testing';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const PASSWORD = 'correct horse battery';
// The page's button posts as a browser posts a form: its origin, an empty urlencoded body.
const ORIGIN = { origin: 'http://todo.test', 'content-type': 'application/x-www-form-urlencoded' };

describe('account mail', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline();
  });
  afterAll(() => p?.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
    p.runtime.app.inject({ method, url, headers, ...(payload ? { payload } : method === 'POST' ? { payload: '' } : {}) });
  const signUp = (email: string, password = PASSWORD) =>
    inject('POST', '/api/auth/signup', { email, password, name: 'Sam', timeZone: 'Europe/Berlin' });
  const logIn = (email: string, password = PASSWORD) => p.call('POST', '/api/auth/login', undefined, { email, password });
  const mailsTo = (email: string) => p.smtp.messages.filter((m) => m.to.includes(email));
  const sent = () => p.runtime.services.confirmations.settled();

  it('answers a free and a taken address byte for byte alike; the mail tells them apart', async () => {
    const owner = await p.user();
    const free = `sam-${Date.now()}@example.test`;
    const [takenReply, freeReply] = [await signUp(owner.email.toUpperCase(), 'an attacker password'), await signUp(free)];
    await sent();
    for (const reply of [takenReply, freeReply]) {
      expect(reply.statusCode).toBe(202);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(freeReply.body).toBe(takenReply.body);
    expect(freeReply.json()).toEqual({ status: 'confirmation-sent' });
    expect(freeReply.headers['content-type']).toBe(takenReply.headers['content-type']);

    const [notice] = mailsTo(owner.email);
    expect(mailsTo(owner.email)).toHaveLength(1);
    expect(notice!.subject).toBe('Someone tried to sign up with your email');
    expect(notice!.text).toContain('http://todo.test/');
    expect(notice!.text).not.toMatch(/\/confirm\//);
    // The owner's account is untouched: the attacker's password does not open it.
    expect((await logIn(owner.email, 'an attacker password')).status).toBe(401);
    expect((await logIn(owner.email)).status).toBe(200);

    expect(mailsTo(free)).toHaveLength(1);
    expect(mailsTo(free)[0]!.subject).toBe('Confirm your todo-app account');
    // No account until the link is opened: the chosen password does not sign in yet.
    expect((await logIn(free)).status).toBe(401);
    const token = takeConfirmationToken(p.smtp, free);

    // GET only shows what the link does (mail scanners open links).
    const page = await inject('GET', `/confirm/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(free);
    expect((await logIn(free)).status).toBe(401);

    const confirmed = await inject('POST', `/confirm/${token}`, undefined, ORIGIN);
    expect(confirmed.statusCode).toBe(200);
    const cookie = /todo_session=([^;]+)/.exec(String(confirmed.headers['set-cookie']))![1]!;
    const me = await p.call('GET', '/api/me', { authorization: `Bearer ${cookie}` });
    expect(me.body).toMatchObject({ email: free, name: 'Sam', timeZone: 'Europe/Berlin', isAdmin: false });
    expect((await logIn(free)).status).toBe(200);

    // Single use: the link is spent, on its page and its button.
    expect((await inject('GET', `/confirm/${token}`)).statusCode).toBe(410);
    expect((await inject('POST', `/confirm/${token}`, undefined, ORIGIN)).statusCode).toBe(410);
  });

  it('refuses a link past its expiry, and creates nothing (test clock)', async () => {
    const email = `late-${Date.now()}@example.test`;
    expect((await signUp(email)).statusCode).toBe(202);
    await sent();
    const token = takeConfirmationToken(p.smtp, email);
    p.clock.advance(24 * 3600_000 + 1);
    expect((await inject('GET', `/confirm/${token}`)).statusCode).toBe(410);
    const late = await inject('POST', `/confirm/${token}`, undefined, ORIGIN);
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('already used or has expired');
    expect((await logIn(email)).status).toBe(401);
  });

  it('signs the browser in only from a page of this site', async () => {
    const email = `csrf-${Date.now()}@example.test`;
    await signUp(email);
    await sent();
    const token = takeConfirmationToken(p.smtp, email);
    const foreign = await inject('POST', `/confirm/${token}`, undefined, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect((await inject('POST', `/confirm/${token}`, undefined, ORIGIN)).statusCode).toBe(200);
  });

  it('of two sign-ups of one address, the second link finds the account made by the first', async () => {
    const email = `twice-${Date.now()}@example.test`;
    await signUp(email, 'first password 1');
    await sent();
    const first = takeConfirmationToken(p.smtp, email);
    await signUp(email, 'second password 2');
    await sent();
    const second = takeConfirmationToken(p.smtp, email);
    expect((await inject('POST', `/confirm/${first}`, undefined, ORIGIN)).statusCode).toBe(200);
    const stale = await inject('POST', `/confirm/${second}`, undefined, ORIGIN);
    expect(stale.statusCode).toBe(409);
    expect((await logIn(email, 'first password 1')).status).toBe(200);
    expect((await logIn(email, 'second password 2')).status).toBe(401);
  });

  it('moves the email only when the link sent to the new address is opened; a taken one gets a notice', async () => {
    const ann = await p.user();
    const bo = await p.user();
    const fresh = `ann-new-${Date.now()}@example.test`;
    const change = (email: string) => inject('PATCH', '/api/me', { email, currentPassword: PASSWORD, name: 'Ann' }, ann.auth);
    const [taken, free] = [await change(bo.email), await change(fresh)];
    await sent();
    expect(taken.statusCode).toBe(202);
    expect(free.statusCode).toBe(202);
    expect(free.body).toBe(taken.body);
    expect(free.json()).toMatchObject({ status: 'confirmation-sent', user: { email: ann.email, name: 'Ann' } });

    expect(mailsTo(bo.email).map((m) => m.subject)).toEqual(['Someone tried to move an account to your email']);
    expect((await p.call('GET', '/api/me', ann.auth)).body.email).toBe(ann.email);
    expect((await p.call('GET', '/api/me', bo.auth)).body.email).toBe(bo.email);

    const token = takeConfirmationToken(p.smtp, fresh);
    expect((await inject('GET', `/confirm/${token}`)).body).toContain(fresh);
    const done = await inject('POST', `/confirm/${token}`, undefined, ORIGIN);
    expect(done.statusCode).toBe(200);
    expect(done.headers['set-cookie']).toBeUndefined();
    expect((await p.call('GET', '/api/me', ann.auth)).body.email).toBe(fresh);
    expect((await logIn(fresh)).status).toBe(200);
    expect((await logIn(ann.email)).status).toBe(401);
    expect((await inject('POST', `/confirm/${token}`, undefined, ORIGIN)).statusCode).toBe(410);
  });

  it('lets an email-change link expire (test clock)', async () => {
    const ann = await p.user();
    const fresh = `slow-${Date.now()}@example.test`;
    await inject('PATCH', '/api/me', { email: fresh, currentPassword: PASSWORD }, ann.auth);
    await sent();
    const token = takeConfirmationToken(p.smtp, fresh);
    p.clock.advance(24 * 3600_000 + 1);
    expect((await inject('POST', `/confirm/${token}`, undefined, ORIGIN)).statusCode).toBe(410);
    expect((await p.call('GET', '/api/me', ann.auth)).body.email).toBe(ann.email);
  });
});

// A pipeline of its own: the sign-ups above use up the per-client sign-up ceiling of a minute.
describe('account mail ceiling', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline();
  });
  afterAll(() => p?.close());

  const inject = (url: string, payload: object, headers: Record<string, string>) =>
    p.runtime.app.inject({ method: 'PATCH', url, headers, payload });
  const sent = () => p.runtime.services.confirmations.settled();

  it('mails at most 5 email changes per account an hour, then answers 429 with Retry-After (test clock)', async () => {
    const ann = await p.user();
    const bo = await p.user();
    const change = (who: { auth: Record<string, string> }, n: number) =>
      inject('/api/me', { email: `spam-${n}-${Date.now()}@example.test`, currentPassword: PASSWORD }, who.auth);
    for (let n = 1; n <= 5; n++) expect((await change(ann, n)).statusCode).toBe(202);
    await sent();
    const before = p.smtp.messages.length;
    const refused = await change(ann, 6);
    await sent();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
    expect(p.smtp.messages.length).toBe(before);
    // Another account has its own count; the hour passes and the first account may again.
    expect((await change(bo, 1)).statusCode).toBe(202);
    p.clock.advance(3600_000);
    expect((await change(ann, 7)).statusCode).toBe(202);
  });
});
