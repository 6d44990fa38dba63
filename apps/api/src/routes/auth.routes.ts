import { z } from 'zod';
import { LogIn, SignUp, User } from '@todo/domain';
import type { FastifyRequest } from 'fastify';
import { clientKey, type Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { SESSION_COOKIE, assertCookieRequestAllowed, clearSessionCookie, setSessionCookie } from '../auth.js';

const SessionReply = z.object({ user: User, token: z.string().describe('Session JWT: send as Authorization: Bearer …') });
/** The same for every address, free or taken: what happened is in the mail sent to it. */
export const ConfirmationSent = z.object({ status: z.literal('confirmation-sent') });

export function registerAuthRoutes(app: TypedApp, services: Services, opts: { rateLimit: number; secureCookies: boolean }): void {
  // A request ceiling per client address; wrong passwords are throttled per account and client
  // in the auth service (security/login-throttle.ts). The address is the real client's only
  // when TRUST_PROXY names the proxies in front (docs/security.md).
  const limited = {
    rateLimit: { max: opts.rateLimit, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => clientKey(request.ip) },
  };

  app.post(
    '/api/auth/signup',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create an account: with mail, confirmed by a link mailed to the address (202)',
        description:
          'With mail configured, every address answers 202 and gets an email: a link that creates the account, or, when the address has an account, a notice to its owner. Without mail, only the first account of the server can sign up (201, signed in); afterwards 403 SIGNUP_CLOSED.',
        security: [],
        body: SignUp,
        response: {
          201: SessionReply.describe('Signed in: the first account of a server without mail'),
          202: ConfirmationSent.describe('A mail went to the address: a confirmation link, or a notice if it has an account'),
        },
      },
    },
    async (request, reply) => {
      const outcome = await services.confirmations.signUp(request.body);
      if (outcome.status === 'confirmation-sent') return reply.status(202).send({ status: outcome.status });
      const { session } = outcome;
      setSessionCookie(reply, session.token, session.expiresAt, opts.secureCookies);
      return reply.status(201).send({ user: session.user, token: session.token });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: limited,
      schema: { tags: ['auth'], summary: 'Log in', security: [], body: LogIn, response: { 200: SessionReply } },
    },
    async (request, reply) => {
      const session = await services.auth.logIn(request.body, request.ip);
      setSessionCookie(reply, session.token, session.expiresAt, opts.secureCookies);
      return { user: session.user, token: session.token };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const header = request.headers.authorization;
      const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      const cookie = request.cookies[SESSION_COOKIE];
      // Another site must not end the session either.
      if (!bearer && cookie) assertCookieRequestAllowed(request);
      const credential = bearer ?? cookie;
      if (credential) {
        try {
          await services.auth.logOut(await services.auth.authenticate(credential));
        } catch {
          // Logging out with a dead session is already the desired state.
        }
      }
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );
}
