import { z } from 'zod';
import { ApiToken, TokenCreate } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });

export function registerTokenRoutes(app: TypedApp, services: Services): void {
  app.get(
    '/api/tokens',
    { schema: { tags: ['account'], summary: 'Your API tokens', response: { 200: z.object({ items: z.array(ApiToken) }) } } },
    async (request) => ({
      items: await services.tokens.list(principalOf(request)),
    }),
  );
  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Create an API token (the secret is shown only in this reply)',
        body: TokenCreate,
        response: { 201: z.object({ token: ApiToken, secret: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.tokens.create(principalOf(request), request.body)),
  );
  app.delete(
    '/api/tokens/:id',
    {
      schema: { tags: ['account'], summary: 'Revoke an API token', params: IdParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await services.tokens.revoke(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
