/** Web Push: the server's VAPID key, and the browsers (devices) that receive reminders. */
import { z } from 'zod';
import { PushDevice, PushSubscriptionCreate } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });

export function registerPushRoutes(app: TypedApp, services: Services): void {
  const tags = ['notifications'];
  app.get(
    '/api/push/key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key browsers subscribe with (applicationServerKey)',
        response: { 200: z.object({ publicKey: z.string().describe('Uncompressed P-256 point, base64url') }) },
      },
    },
    async () => ({ publicKey: services.push.publicKey() }),
  );
  app.get(
    '/api/push/subscriptions',
    {
      schema: {
        tags,
        summary: 'The devices that receive your reminders by push',
        response: { 200: z.object({ items: z.array(PushDevice) }) },
      },
    },
    async (request) => ({ items: await services.push.list(principalOf(request)) }),
  );
  app.post(
    '/api/push/subscriptions',
    {
      schema: {
        tags,
        summary: 'Receive reminders on this browser: its PushSubscription (toJSON); the same endpoint again updates the device',
        body: PushSubscriptionCreate,
        response: { 201: PushDevice },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.push.subscribe(principalOf(request), request.body, request.headers['user-agent'])),
  );
  app.delete(
    '/api/push/subscriptions/:id',
    { schema: { tags, summary: 'Stop pushing reminders to a device', params: IdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await services.push.remove(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
