import { z } from 'zod';
import { Project, ProjectCreate, ProjectPatch } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf, traceparentOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['projects'];

export function registerProjectRoutes(app: TypedApp, { projects }: Pick<Services, 'projects'>): void {
  const ctx = (request: Parameters<typeof principalOf>[0]) => ({
    principal: principalOf(request),
    traceparent: traceparentOf(request),
  });
  app.get(
    '/api/projects',
    {
      schema: {
        tags,
        summary: 'Your projects, with your role in each',
        response: { 200: z.object({ items: z.array(Project) }) },
      },
    },
    async (request) => ({ items: await projects.list(principalOf(request)) }),
  );
  app.post(
    '/api/projects',
    { schema: { tags, summary: 'Create a project', body: ProjectCreate, response: { 201: Project } } },
    async (request, reply) => reply.status(201).send(await projects.create(ctx(request), request.body)),
  );
  app.get('/api/projects/:id', { schema: { tags, params: IdParams, response: { 200: Project } } }, async (request) =>
    projects.get(principalOf(request), request.params.id),
  );
  app.patch(
    '/api/projects/:id',
    { schema: { tags, params: IdParams, body: ProjectPatch, response: { 200: Project } } },
    async (request) => projects.update(ctx(request), request.params.id, request.body),
  );
  app.delete(
    '/api/projects/:id',
    {
      schema: {
        tags,
        summary: 'Delete a project, its sub-projects and their tasks',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await projects.delete(ctx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  registerCategoryRedirects(app);
}

const MOVED = z.null().describe('Categories are projects now (same ids): repeat the request at `Location`');

/** Categories became projects with the same ids: the old routes answer 308, which repeats the method and body. */
function registerCategoryRedirects(app: TypedApp): void {
  const schema = (params?: typeof IdParams) => ({
    tags: ['categories'],
    deprecated: true,
    summary: 'Moved to /api/projects',
    ...(params ? { params } : {}),
    response: { 308: MOVED },
  });
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/categories',
      schema: schema(),
      handler: async (_request, reply) => reply.redirect('/api/projects', 308),
    });
  }
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    app.route({
      method,
      url: '/api/categories/:id',
      schema: schema(IdParams),
      handler: async (request, reply) => reply.redirect(`/api/projects/${(request.params as { id: string }).id}`, 308),
    });
  }
}
