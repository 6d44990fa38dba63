import { z } from 'zod';
import { Notification } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';
import type { SseHub } from '../sse-hub.js';

const ListQuery = z.strictObject({
  unread: z.enum(['true', 'false']).default('false'),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function registerNotificationRoutes(app: TypedApp, services: Services, hub: SseHub | undefined): void {
  const tags = ['notifications'];
  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        summary: 'Your in-app notifications, newest first',
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(Notification), nextCursor: z.uuid().nullable(), unread: z.int() }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const page = await services.notifications.list(principal, {
        unreadOnly: request.query.unread === 'true',
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return { ...page, unread: await services.notifications.unreadCount(principal) };
    },
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark a notification read',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: Notification },
      },
    },
    async (request) => services.notifications.markRead(principalOf(request), request.params.id),
  );

  app.get(
    '/api/events/stream',
    {
      schema: { tags: ['live'], summary: 'Server-Sent Events: your task and notification changes as they happen' },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!hub)
        return reply.status(503).send({ status: 503, code: 'INTERNAL', detail: 'live updates are not enabled in this process' });
      // Opened before hijacking, so a refusal is still answered as problem+json.
      hub.open(principal.userId, reply.raw);
      reply.hijack();
      return reply;
    },
  );
}
