/**
 * The email's "Mark done" / "Snooze 1 hour" links. GET only shows a confirmation page — mail
 * scanners prefetch links, and a GET must not change anything — and the button POSTs back.
 * Each link works once, on the task as it was when sent (action-link.service.ts); a used or
 * stale link gets a page that says so, with its status (410, 409).
 */
import { z } from 'zod';
import { isDomainError, type DomainError } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { escape, linkPage as page } from './link-page.js';

const Params = z.strictObject({ token: z.string().min(20).max(2000) });

export function registerActionRoutes(app: TypedApp, services: Services): void {
  const schema = { hide: true, params: Params };
  const openApp = '<p><a href="/">Open todo-app</a></p>';
  const refusal = (error: DomainError) => {
    const title = error.code === 'LINK_USED' ? 'This link was already used' : 'This link no longer works';
    return page('Link not valid', `<h1>${title}</h1><p>${escape(error.message)}</p>${openApp}`);
  };

  app.get('/actions/:token', { schema }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    try {
      const { action, task } = await services.actionLinks.preview(request.params.token);
      const verb = action === 'done' ? 'Mark done' : 'Snooze 1 hour';
      return page(
        verb,
        `<h1>${verb}?</h1><p>#${task.number} ${escape(task.title)}</p>
<form method="post"><button type="submit">${verb}</button></form>`,
      );
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply.status(error.status).send(refusal(error));
    }
  });

  app.post('/actions/:token', { schema }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    try {
      const { action, task } = await services.actionLinks.redeem(request.params.token);
      const what = action === 'done' ? 'is done' : 'will remind you again in an hour';
      return page('Done', `<h1>#${task.number} ${escape(task.title)} ${what}.</h1>${openApp}`);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply.status(error.status).send(refusal(error));
    }
  });
}
