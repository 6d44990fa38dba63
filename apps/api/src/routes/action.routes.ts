/**
 * The email's "Mark done" / "Snooze 1 hour" links. GET only shows a confirmation page — mail
 * scanners prefetch links, and a GET must not change anything — and the button POSTs back.
 */
import { z } from 'zod';
import { isDomainError, type Clock } from '@todo/domain';
import type { Principal, Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';

const Params = z.strictObject({ token: z.string().min(20).max(2000) });
const SNOOZE_MS = 60 * 60_000;

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · todo-app</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#15803d;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;

const escape = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function registerActionRoutes(app: TypedApp, services: Services, clock: Clock): void {
  const schema = { hide: true, params: Params };

  app.get('/actions/:token', { schema }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    try {
      const claims = await services.actionTokens.verify(request.params.token);
      const principal: Principal = { userId: claims.userId, scopes: ['read', 'write'], via: 'token' };
      const task = await services.tasks.get(principal, claims.taskId);
      const verb = claims.action === 'done' ? 'Mark done' : 'Snooze 1 hour';
      return page(
        verb,
        `<h1>${verb}?</h1><p>#${task.number} ${escape(task.title)}</p>
<form method="post"><button type="submit">${verb}</button></form>`,
      );
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply
        .status(error.status)
        .send(page('Link not valid', `<h1>This link no longer works</h1><p>${escape(error.message)}</p>`));
    }
  });

  app.post('/actions/:token', { schema }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    try {
      const claims = await services.actionTokens.verify(request.params.token);
      const ctx = { principal: { userId: claims.userId, scopes: ['read', 'write'] as const, via: 'token' as const } };
      const task =
        claims.action === 'done'
          ? await services.tasks.complete(ctx, claims.taskId)
          : await services.tasks.snoozeReminder(
              ctx,
              claims.taskId,
              claims.reminderId,
              new Date(clock.now().getTime() + SNOOZE_MS),
            );
      const what = claims.action === 'done' ? 'is done' : 'will remind you again in an hour';
      return page('Done', `<h1>#${task.number} ${escape(task.title)} ${what}.</h1>`);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply
        .status(error.status)
        .send(page('Link not valid', `<h1>This link no longer works</h1><p>${escape(error.message)}</p>`));
    }
  });
}
