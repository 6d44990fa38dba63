import { ProfilePatch, User } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

export function registerMeRoutes(app: TypedApp, services: Services): void {
  app.get('/api/me', { schema: { tags: ['account'], summary: 'Your profile', response: { 200: User } } }, async (request) =>
    services.profile.get(principalOf(request)),
  );
  app.patch(
    '/api/me',
    {
      schema: { tags: ['account'], summary: 'Change your profile', body: ProfilePatch, response: { 200: User } },
    },
    async (request) => services.profile.update(principalOf(request), request.body),
  );
}
