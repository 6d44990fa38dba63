import { z } from 'zod';
import { DomainError, enforce, policy } from '@todo/domain';
import type { DeadLetter as StoredDeadLetter, Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const DeadLetter = z.object({
  id: z.uuid(),
  topic: z.string(),
  subscription: z.string().nullable(),
  eventId: z.string(),
  eventType: z.string().nullable(),
  reason: z.string(),
  attempts: z.int(),
  createdAt: z.iso.datetime(),
  replayedAt: z.iso.datetime().nullable(),
  event: z.unknown(),
});

const toJson = (r: StoredDeadLetter) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  replayedAt: r.replayedAt?.toISOString() ?? null,
});

export function registerAdminRoutes(
  app: TypedApp,
  deps: { services: Services; replayDeadLetter?: (id: string) => Promise<boolean> },
): void {
  const tags = ['admin'];
  const requireAdmin = async (request: Parameters<typeof principalOf>[0]) => {
    enforce(policy.administer(await deps.services.profile.get(principalOf(request))));
  };

  app.get(
    '/api/admin/dead-letters',
    {
      schema: {
        tags,
        summary: 'Events that exhausted their retries or could never be handled, with the reason',
        querystring: z.strictObject({
          all: z.enum(['true', 'false']).default('false'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(DeadLetter) }) },
      },
    },
    async (request) => {
      await requireAdmin(request);
      const rows = await deps.services.events.listDeadLetters({
        limit: request.query.limit,
        includeReplayed: request.query.all === 'true',
      });
      return { items: rows.map(toJson) };
    },
  );

  app.post(
    '/api/admin/dead-letters/:id/replay',
    {
      schema: {
        tags,
        summary: 'Deliver a dead letter again',
        params: z.strictObject({ id: z.uuid() }),
        response: { 202: z.object({ replayed: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      await requireAdmin(request);
      if (!deps.replayDeadLetter || !(await deps.replayDeadLetter(request.params.id)))
        throw new DomainError('NOT_FOUND', 'no such dead letter');
      return reply.status(202).send({ replayed: true });
    },
  );
}
