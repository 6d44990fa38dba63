import { z } from 'zod';
import { PasswordChange, ProfilePatch, SignOutEverywhere, User } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { clearSessionCookie, principalOf } from '../auth.js';
import { ConfirmationSent } from './auth.routes.js';

export function registerMeRoutes(app: TypedApp, services: Services): void {
  app.get('/api/me', { schema: { tags: ['account'], summary: 'Your profile', response: { 200: User } } }, async (request) =>
    services.profile.get(principalOf(request)),
  );
  app.patch(
    '/api/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Change your profile (a new email needs currentPassword, and with mail the link sent to it: 202)',
        description:
          'A new email takes effect at once only on a server without mail whose only account is yours. With mail, the answer is 202 for any address and the profile keeps the old email: the new address gets a link that makes the change, or, when it has an account, a notice to its owner.',
        body: ProfilePatch,
        response: {
          200: User.describe('Saved'),
          202: ConfirmationSent.extend({ user: User }).describe(
            'Saved, but the new email waits for the link mailed to it (or a notice went to its owner): `user` still has the old one',
          ),
        },
      },
    },
    async (request, reply) => {
      const { user, emailConfirmationSent } = await services.profile.update(principalOf(request), request.body, request.ip);
      return emailConfirmationSent ? reply.status(202).send({ status: 'confirmation-sent' as const, user }) : user;
    },
  );
  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['account'],
        summary: 'Change your password; ends your other sessions',
        body: PasswordChange,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await services.auth.changePassword(principalOf(request), request.body, request.ip);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/me/sign-out-everywhere',
    {
      schema: {
        tags: ['account'],
        summary: 'End all your sessions, this one included (and with tokens: true, revoke every API token)',
        body: SignOutEverywhere.default({ tokens: false }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await services.auth.signOutEverywhere(principalOf(request), request.body);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );
}
