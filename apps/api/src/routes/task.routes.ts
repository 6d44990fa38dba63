import { z } from 'zod';
import { ReopenedTask, Task, TagName, TaskCreate, TaskListQuery, TaskPatch, taskEtag } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf, traceparentOf } from '../auth.js';

const Ref = z.strictObject({ ref: z.string().min(1).max(64).describe('Task id (UUID) or number, e.g. 12') });
const TaskPage = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });
const tags = ['tasks'];

/** If-None-Match compares weakly (RFC 9110 §13.1.2): `W/` aside, an entity tag matches itself; `*` matches any. */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === opaque;
  });
}

type Request = Parameters<typeof principalOf>[0];
type Reply = { header(name: string, value: string): unknown };

/** A write's condition: the task version the client holds (If-Match); without one the last write wins. */
const conditionOf = (request: Request) => ({ ifMatch: request.headers['if-match'] });

/** Every answer that is a task carries its version, for If-Match on the next write (and If-None-Match). */
function withVersion<T extends Pick<Task, 'id' | 'updatedAt'>>(reply: Reply, task: T): T {
  reply.header('etag', taskEtag(task));
  return task;
}

const VERSIONED =
  'Answers the task’s version as a strong `ETag`. Send it back as `If-Match` to write only if nobody changed the task ' +
  'since: otherwise 412 PRECONDITION_FAILED, nothing written, with the task as it is now in `current` (and its ETag). ' +
  'Without If-Match the last write wins.';

export function registerTaskRoutes(app: TypedApp, services: Services): void {
  const { tasks } = services;
  const ctx = (request: Request) => ({
    principal: principalOf(request),
    traceparent: traceparentOf(request),
  });

  app.get(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: 'List, filter and search your tasks',
        querystring: TaskListQuery,
        response: { 200: TaskPage, 304: z.null().describe('Not modified: the ETag sent in If-None-Match is still current') },
      },
    },
    // The body comes from the database (or the page cache) as JSON text already in the TaskPage
    // shape (TaskService.listPage); Fastify sends a JSON string as is, without serialising it again.
    async (request, reply) => {
      const ifNoneMatch = request.headers['if-none-match'];
      const isCurrent = ifNoneMatch ? (etag: string) => matchesAny(ifNoneMatch, etag) : undefined;
      const page = await tasks.listPage(principalOf(request), request.query, isCurrent);
      if (page.etag) {
        // The page changes with any write of the user's, so a client must ask every time (cheaply, with If-None-Match).
        reply.header('etag', page.etag).header('cache-control', 'private, no-cache');
      }
      if (page.body === null) return reply.code(304).send(null);
      return reply.type('application/json; charset=utf-8').send(page.body as unknown as z.infer<typeof TaskPage>);
    },
  );

  app.post(
    '/api/tasks',
    {
      schema: { tags, summary: 'Create a task', body: TaskCreate, response: { 201: Task } },
    },
    async (request, reply) => reply.status(201).send(withVersion(reply, await tasks.create(ctx(request), request.body))),
  );

  app.get(
    '/api/tasks/:ref',
    {
      schema: {
        tags,
        summary: 'One task',
        description: 'Answers the task’s version as a strong `ETag`; with a current one in If-None-Match, 304 and no body.',
        params: Ref,
        response: { 200: Task, 304: z.null().describe('Not modified: the ETag sent in If-None-Match is still current') },
      },
    },
    async (request, reply) => {
      const task = withVersion(reply, await tasks.get(principalOf(request), request.params.ref));
      reply.header('cache-control', 'private, no-cache');
      if (matchesAny(request.headers['if-none-match'], taskEtag(task))) return reply.code(304).send(null);
      return task;
    },
  );

  app.patch(
    '/api/tasks/:ref',
    {
      schema: {
        tags,
        summary: 'Change a task; null clears a field',
        description: VERSIONED,
        params: Ref,
        body: TaskPatch,
        response: { 200: Task },
      },
    },
    async (request, reply) =>
      withVersion(reply, await tasks.update(ctx(request), request.params.ref, request.body, conditionOf(request))),
  );

  app.delete(
    '/api/tasks/:ref',
    {
      schema: {
        tags,
        summary: 'Delete a task and its subtasks (restorable for an hour)',
        description: 'With If-Match, deletes only the version named (else 412 PRECONDITION_FAILED with `current`).',
        params: Ref,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await tasks.delete(ctx(request), request.params.ref, conditionOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tasks/:ref/complete',
    {
      schema: { tags, summary: 'Complete a task (idempotent)', description: VERSIONED, params: Ref, response: { 200: Task } },
    },
    async (request, reply) => withVersion(reply, await tasks.complete(ctx(request), request.params.ref, conditionOf(request))),
  );

  app.post(
    '/api/tasks/:ref/reopen',
    {
      schema: {
        tags,
        summary: 'Reopen a completed task (idempotent); undoes its completion',
        description:
          'The subtasks closed with a repeating task open again, and the next occurrence its completion made is removed ' +
          'unless it was changed since: `nextOccurrence` says which. ' +
          VERSIONED,
        params: Ref,
        response: { 200: ReopenedTask },
      },
    },
    async (request, reply) => withVersion(reply, await tasks.reopen(ctx(request), request.params.ref, conditionOf(request))),
  );

  app.post(
    '/api/tasks/:ref/restore',
    {
      schema: {
        tags,
        summary: 'Restore a task deleted within the last hour (undo), with its subtasks',
        description:
          'The task comes back with its id, number, tags, reminders and subtasks. Restoring a task that is back already ' +
          'answers it as it is.',
        params: Ref,
        response: { 200: Task },
      },
    },
    async (request, reply) => withVersion(reply, await tasks.restore(ctx(request), request.params.ref)),
  );

  app.post(
    '/api/tasks/:ref/tags',
    {
      schema: {
        tags,
        summary: 'Tag a task (the tag is created when new)',
        params: Ref,
        body: z.strictObject({ name: TagName }),
        response: { 200: Task },
      },
    },
    async (request, reply) => withVersion(reply, await tasks.addTag(ctx(request), request.params.ref, request.body.name)),
  );

  app.delete(
    '/api/tasks/:ref/tags/:name',
    {
      schema: { tags, summary: 'Untag a task', params: Ref.extend({ name: TagName }), response: { 200: Task } },
    },
    async (request, reply) =>
      withVersion(reply, await tasks.removeTag(ctx(request), request.params.ref, request.params.name)),
  );
}
