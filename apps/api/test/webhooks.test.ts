/**
 * Issue #25, webhooks over REST: subscriptions are the caller's own, bad input is answered as
 * problem+json naming the field, and an internal address is refused unless the operator allows
 * it. Delivery itself is apps/cli/test/webhooks*.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('webhooks API', () => {
  let strict: Harness;
  let open: Harness;
  beforeAll(async () => {
    strict = await createHarness();
    open = await createHarness({ webhooks: { allowPrivateTargets: true } });
  });
  afterAll(async () => {
    await strict?.close();
    await open?.close();
  });

  it('refuses internal targets with WEBHOOK_TARGET_REFUSED on the url field', async () => {
    const u = await strict.user();
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://localhost/hook',
      'http://[::1]/',
      'http://[::ffff:10.0.0.1]/',
      'http://169.254.169.254/latest',
    ]) {
      const res = await strict.call('POST', '/api/webhooks', u.auth, { url });
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'WEBHOOK_TARGET_REFUSED', errors: [{ field: 'url' }] });
    }
    expect((await strict.call('GET', '/api/webhooks', u.auth)).body.items).toEqual([]);
  });

  it('answers a bad URL or an unknown event type as a validation problem', async () => {
    const u = await open.user();
    const badUrl = await open.call('POST', '/api/webhooks', u.auth, { url: 'not a url' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'url' }] });
    const ftp = await open.call('POST', '/api/webhooks', u.auth, { url: 'ftp://127.0.0.1/' });
    expect(ftp.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'url' }] });
    const badType = await open.call('POST', '/api/webhooks', u.auth, { url: 'http://127.0.0.1/', types: ['todo.task.eaten.v1'] });
    expect(badType.status).toBe(400);
    expect(badType.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'types.0' }] });
  });

  it('creates with a secret shown once, lists, changes and deletes', async () => {
    const u = await open.user();
    const created = await open.call('POST', '/api/webhooks', u.auth, {
      url: 'http://127.0.0.1:9/hook',
      types: ['todo.task.completed.v1'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { id } = created.body.webhook;
    expect(created.body.webhook).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      types: ['todo.task.completed.v1'],
      active: true,
    });
    const listed = await open.call('GET', '/api/webhooks', u.auth);
    expect(listed.body.items).toEqual([created.body.webhook]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    const patched = await open.call('PATCH', `/api/webhooks/${id}`, u.auth, { types: [], active: false });
    expect(patched.body).toMatchObject({ id, types: [], active: false });
    expect((await open.call('PATCH', `/api/webhooks/${id}`, u.auth, {})).status).toBe(400);
    expect((await open.call('GET', `/api/webhooks/${id}/deliveries`, u.auth)).body).toEqual({ items: [], nextCursor: null });
    expect((await open.call('DELETE', `/api/webhooks/${id}`, u.auth)).status).toBe(204);
    expect((await open.call('GET', `/api/webhooks/${id}`, u.auth)).body.code).toBe('WEBHOOK_NOT_FOUND');
  });

  it("answers a stranger as if another user's webhook did not exist", async () => {
    const owner = await open.user();
    const stranger = await open.user();
    const { id } = (await open.call('POST', '/api/webhooks', owner.auth, { url: 'http://127.0.0.1:9/' })).body.webhook;
    const delivery = '00000000-0000-4000-8000-000000000000';
    const attempts = [
      await open.call('GET', `/api/webhooks/${id}`, stranger.auth),
      await open.call('PATCH', `/api/webhooks/${id}`, stranger.auth, { active: false }),
      await open.call('DELETE', `/api/webhooks/${id}`, stranger.auth),
      await open.call('GET', `/api/webhooks/${id}/deliveries`, stranger.auth),
      await open.call('POST', `/api/webhooks/${id}/deliveries/${delivery}/replay`, stranger.auth),
    ];
    expect(attempts.map((r) => [r.status, r.body.code])).toEqual(attempts.map(() => [404, 'WEBHOOK_NOT_FOUND']));
    expect((await open.call('GET', '/api/webhooks', stranger.auth)).body.items).toEqual([]);
    expect((await open.call('GET', `/api/webhooks/${id}`, owner.auth)).body).toMatchObject({ id, active: true });
  });
});
