import { z } from 'zod';
import { Webhook, WebhookCreate, WebhookDelivery, WebhookPatch } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });
const DeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });
const DeliveryQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'not a cursor this list gave')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function registerWebhookRoutes(app: TypedApp, services: Services): void {
  const tags = ['webhooks'];
  app.get(
    '/api/webhooks',
    { schema: { tags, summary: 'Your outgoing webhooks', response: { 200: z.object({ items: z.array(Webhook) }) } } },
    async (request) => ({ items: await services.webhooks.list(principalOf(request)) }),
  );
  app.post(
    '/api/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to your task events (the signing secret is shown only in this reply)',
        body: WebhookCreate,
        response: { 201: z.object({ webhook: Webhook, secret: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.webhooks.create(principalOf(request), request.body)),
  );
  app.get(
    '/api/webhooks/:id',
    { schema: { tags, summary: 'One of your webhooks', params: IdParams, response: { 200: Webhook } } },
    async (request) => services.webhooks.get(principalOf(request), request.params.id),
  );
  app.patch(
    '/api/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook’s URL, event types or state',
        params: IdParams,
        body: WebhookPatch,
        response: { 200: Webhook },
      },
    },
    async (request) => services.webhooks.update(principalOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/webhooks/:id',
    { schema: { tags, summary: 'Delete a webhook and its delivery log', params: IdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await services.webhooks.delete(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'A webhook’s deliveries, newest first, with their status codes',
        params: IdParams,
        querystring: DeliveryQuery,
        response: { 200: z.object({ items: z.array(WebhookDelivery), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const page = await services.webhooks.deliveries(principalOf(request), request.params.id, request.query);
      return { items: page.items, nextCursor: page.next };
    },
  );
  app.post(
    '/api/webhooks/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        tags,
        summary: 'Send a delivered or dead-lettered delivery again',
        params: DeliveryParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await services.webhooks.replay(principalOf(request), request.params.id, request.params.deliveryId)),
  );
}
