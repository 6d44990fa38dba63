/** Comments on tasks and the activity history of tasks and projects (docs/projects-and-sharing.md). */
import { z } from 'zod';
import { ActivityEntry, Comment, CommentInput, CommentWritten } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf, traceparentOf } from '../auth.js';

const Ref = z.strictObject({ ref: z.string().min(1).max(64).describe('Task id (UUID) or number, e.g. 12') });
const IdParams = z.strictObject({ id: z.uuid() });
const Page = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const CommentPage = z.object({ items: z.array(Comment), nextCursor: z.string().nullable() });
const ActivityPage = z.object({ items: z.array(ActivityEntry), nextCursor: z.string().nullable() });

export function registerCommentRoutes(app: TypedApp, { comments, activity }: Pick<Services, 'comments' | 'activity'>): void {
  const ctx = (request: Parameters<typeof principalOf>[0]) => ({
    principal: principalOf(request),
    traceparent: traceparentOf(request),
  });
  const tags = ['comments'];
  app.get(
    '/api/tasks/:ref/comments',
    {
      schema: {
        tags,
        summary: "A task's comments, oldest first",
        params: Ref,
        querystring: Page,
        response: { 200: CommentPage },
      },
    },
    async (request) => comments.list(principalOf(request), request.params.ref, request.query),
  );
  app.post(
    '/api/tasks/:ref/comments',
    {
      schema: {
        tags,
        summary: 'Comment on a task; @mentions of members are resolved, others reported in unresolvedMentions',
        params: Ref,
        body: CommentInput,
        response: { 201: CommentWritten },
      },
    },
    async (request, reply) => reply.status(201).send(await comments.create(ctx(request), request.params.ref, request.body.body)),
  );
  app.patch(
    '/api/comments/:id',
    { schema: { tags, summary: 'Edit your comment', params: IdParams, body: CommentInput, response: { 200: CommentWritten } } },
    async (request) => comments.update(ctx(request), request.params.id, request.body.body),
  );
  app.delete(
    '/api/comments/:id',
    { schema: { tags, summary: 'Delete a comment', params: IdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await comments.delete(ctx(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/tasks/:ref/activity',
    {
      schema: {
        tags: ['activity'],
        summary: "A task's history, newest first",
        params: Ref,
        querystring: Page,
        response: { 200: ActivityPage },
      },
    },
    async (request) => activity.forTask(principalOf(request), request.params.ref, request.query),
  );
  app.get(
    '/api/projects/:id/activity',
    {
      schema: {
        tags: ['activity'],
        summary: "A project's history, newest first",
        params: IdParams,
        querystring: Page,
        response: { 200: ActivityPage },
      },
    },
    async (request) => activity.forProject(principalOf(request), request.params.id, request.query),
  );
}
