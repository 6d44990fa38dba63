/**
 * The links of sign-up and email-change confirmations. GET only shows what the link would do —
 * mail scanners open links, and a GET must not change anything — and its button POSTs back,
 * which creates the account (and signs the browser in) or moves the email, once.
 */
import { z } from 'zod';
import { isDomainError } from '@todo/domain';
import type { Services } from '@todo/services';
import type { FastifyReply } from 'fastify';
import type { TypedApp } from '../typed-app.js';
import { assertCookieRequestAllowed, setSessionCookie } from '../auth.js';
import { escape, linkPage } from './link-page.js';

const Params = z.strictObject({ token: z.string().min(20).max(200) });
const openApp = '<p><a href="/">Open todo-app</a></p>';

// `same-origin`, not `no-referrer`: the link's secret still never leaves for another site, and
// the button's POST keeps its Origin header (under `no-referrer` browsers send `Origin: null`).
const htmlReply = (reply: FastifyReply) =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'same-origin');

const refusal = (message: string) =>
  linkPage('Link not valid', `<h1>This link no longer works</h1><p>${escape(message)}</p>${openApp}`);

export function registerConfirmRoutes(app: TypedApp, services: Services, opts: { secureCookies: boolean }): void {
  const schema = { hide: true, params: Params };

  app.get('/confirm/:token', { schema }, async (request, reply) => {
    htmlReply(reply);
    try {
      const { purpose, email } = await services.confirmations.preview(request.params.token);
      const [title, what] =
        purpose === 'signup' ? ['Create your account', 'Create the account'] : ['Change your email', 'Use this address'];
      return linkPage(
        title,
        `<h1>${title}</h1><p>${escape(email)}</p><form method="post"><button type="submit">${what}</button></form>`,
      );
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply.status(error.status).send(refusal(error.message));
    }
  });

  app.post('/confirm/:token', { schema }, async (request, reply) => {
    htmlReply(reply);
    try {
      // It signs the browser in: another site must not sign a visitor into an account of its choosing.
      assertCookieRequestAllowed(request);
      const done = await services.confirmations.confirm(request.params.token);
      if (done.purpose === 'email-change') {
        return linkPage('Email changed', `<h1>Your email is now ${escape(done.user.email)}.</h1>${openApp}`);
      }
      setSessionCookie(reply, done.session.token, done.session.expiresAt, opts.secureCookies);
      return linkPage('Account created', `<h1>Welcome, ${escape(done.session.user.email)}.</h1>${openApp}`);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return reply.status(error.status).send(refusal(error.message));
    }
  });
}
