import { z } from 'zod';
import { Label, LabelCreate, LabelPatch } from '@todo/domain';
import type { LabelService } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });

/** Categories and tags have the same routes over the same shape. */
export function registerLabelRoutes(app: TypedApp, labels: LabelService, kind: 'categories' | 'tags'): void {
  const base = `/api/${kind}`;
  const tags = [kind];
  app.get(
    base,
    { schema: { tags, summary: `Your ${kind}`, response: { 200: z.object({ items: z.array(Label) }) } } },
    async (request) => ({
      items: await labels.list(principalOf(request)),
    }),
  );
  app.post(
    base,
    { schema: { tags, summary: `Create one of your ${kind}`, body: LabelCreate, response: { 201: Label } } },
    async (request, reply) => reply.status(201).send(await labels.create(principalOf(request), request.body)),
  );
  app.get(`${base}/:id`, { schema: { tags, params: IdParams, response: { 200: Label } } }, async (request) =>
    labels.get(principalOf(request), request.params.id),
  );
  app.patch(`${base}/:id`, { schema: { tags, params: IdParams, body: LabelPatch, response: { 200: Label } } }, async (request) =>
    labels.update(principalOf(request), request.params.id, request.body),
  );
  app.delete(`${base}/:id`, { schema: { tags, params: IdParams, response: { 204: z.null() } } }, async (request, reply) => {
    await labels.delete(principalOf(request), request.params.id);
    return reply.status(204).send(null);
  });
}
