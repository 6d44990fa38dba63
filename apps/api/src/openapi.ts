/**
 * The OpenAPI document. Routes declare their success responses; the error responses every
 * operation can give are added here, once, from what the route declares (security, path
 * parameters, body, rate limit) — all with the one problem+json schema — together with an
 * `operationId`. Routes outside this package (chat, `/mcp`) may mix plain JSON Schema (for what
 * they validate themselves) with zod; both end up in the document.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { $ZodType } from 'zod/v4/core';
import { TimeZoneName } from '@todo/domain';

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type Schema = Record<string, unknown>;

/** RFC 9457 problem details, as `problem()` in problem.ts builds them. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail', 'errors'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Identifies the kind of problem' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' },
    detail: { type: 'string', description: 'What went wrong, for a human' },
    instance: { type: 'string' },
    current: {
      type: 'object',
      description: 'PRECONDITION_FAILED only: the task as it is now (its version is in the ETag header), to resolve against',
    },
    errors: {
      type: 'array',
      description: 'The offending fields, e.g. `due.dateTime`, each with the reason',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export const problemResponse = (description: string, headers?: Schema): Schema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** One server-sent event, as clients parse it. */
const SSE_EVENT = {
  type: 'object',
  required: ['data'],
  properties: { event: { type: 'string' }, data: { type: 'string', description: 'JSON' }, id: { type: 'string' } },
};

const RETRY_AFTER = { 'retry-after': { type: 'integer', minimum: 0, description: 'Seconds to wait before retrying' } };

/** Methods whose body Fastify parses: they can also fail on the body's JSON, size and media type. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const CURRENT_ETAG = { etag: { type: 'string', description: 'The version of `current`, for If-Match on a retry' } };
const STALE_VERSION =
  'If-Match names a version the task no longer has (PRECONDITION_FAILED): nothing was written; `current` is the task now';

/**
 * Operation ids, and error statuses only the service knows about. An operation not listed still gets
 * an id (method + path), so routes added later are never without one.
 */
const OPERATIONS: Record<string, { id: string; errors?: Record<number, string>; responses?: Schema }> = {
  'POST /api/auth/signup': {
    id: 'signUp',
    errors: { 403: 'Sign-up is closed: this server sends no mail and has an account already (SIGNUP_CLOSED)' },
  },
  'POST /api/auth/login': { id: 'logIn', errors: { 401: 'The email or password is wrong' } },
  'POST /api/auth/logout': { id: 'logOut' },
  'GET /api/me': { id: 'getProfile' },
  'PATCH /api/me': {
    id: 'updateProfile',
    errors: {
      403: 'The token lacks the "write" scope, a cookie session came from another site, or this server sends no mail and has other accounts, so a new email cannot be confirmed (EMAIL_CHANGE_UNAVAILABLE)',
      429: 'Too many wrong passwords, or more than 5 email changes this hour; wait as Retry-After says',
    },
  },
  'POST /api/me/password': { id: 'changePassword', errors: { 429: 'Too many wrong passwords; wait as Retry-After says' } },
  'POST /api/me/sign-out-everywhere': { id: 'signOutEverywhere' },
  'GET /api/tokens': { id: 'listTokens' },
  'POST /api/tokens': { id: 'createToken' },
  'DELETE /api/tokens/{id}': { id: 'revokeToken' },
  'GET /api/tasks': { id: 'listTasks' },
  'POST /api/tasks': {
    id: 'createTask',
    errors: {
      403: 'The token lacks the "write" scope, or you are a viewer of the project',
      404: 'The parent task or the project is not yours or does not exist',
    },
  },
  'GET /api/tasks/{ref}': { id: 'getTask' },
  'PATCH /api/tasks/{ref}': {
    id: 'updateTask',
    errors: { 409: 'the new parent would make a cycle', 412: STALE_VERSION },
  },
  'DELETE /api/tasks/{ref}': { id: 'deleteTask', errors: { 412: STALE_VERSION } },
  'POST /api/tasks/{ref}/complete': { id: 'completeTask', errors: { 412: STALE_VERSION } },
  'POST /api/tasks/{ref}/reopen': { id: 'reopenTask', errors: { 412: STALE_VERSION } },
  'POST /api/tasks/{ref}/restore': {
    id: 'restoreTask',
    errors: { 404: 'No such task was deleted within the last hour' },
  },
  'POST /api/tasks/{ref}/tags': { id: 'tagTask' },
  'DELETE /api/tasks/{ref}/tags/{name}': { id: 'untagTask' },
  'GET /api/tasks/{ref}/comments': { id: 'listComments' },
  'POST /api/tasks/{ref}/comments': {
    id: 'addComment',
    errors: { 403: 'The token lacks the "write" scope, or you are a viewer and the project does not let viewers comment' },
  },
  'PATCH /api/comments/{id}': {
    id: 'editComment',
    errors: { 403: 'The token lacks the "write" scope, or the comment is not yours', 404: 'No such comment you can see' },
  },
  'DELETE /api/comments/{id}': {
    id: 'deleteComment',
    errors: {
      403: 'The token lacks the "write" scope, or the comment is not yours and you are not an owner or admin of the project',
      404: 'No such comment you can see',
    },
  },
  'GET /api/tasks/{ref}/activity': { id: 'getTaskActivity' },
  'GET /api/projects/{id}/activity': { id: 'getProjectActivity' },
  'GET /api/projects': { id: 'listProjects' },
  'POST /api/projects': {
    id: 'createProject',
    errors: {
      403: 'The token lacks the "write" scope, or your role in the parent project does not allow this',
      404: 'The parent project is not yours or does not exist',
      409: 'you already have a project with this name',
    },
  },
  'GET /api/projects/{id}': { id: 'getProject' },
  'PATCH /api/projects/{id}': {
    id: 'updateProject',
    errors: {
      403: 'The token lacks the "write" scope, or your role in the project does not allow this',
      409: 'you already have a project with this name, or the new parent would make a cycle',
    },
  },
  'DELETE /api/projects/{id}': {
    id: 'deleteProject',
    errors: { 403: 'The token lacks the "write" scope, or you are not the owner of the project' },
  },
  'POST /api/projects/{id}/invitations': {
    id: 'inviteToProject',
    errors: {
      400: 'Not a top-level project (invite to its top-level project), or the Inbox',
      403: 'The token lacks the "write" scope, or you are not the owner or an admin of the project',
      409: 'Yourself, someone already a member, or the project is full',
      429: 'Too many invitations from you this hour',
    },
  },
  'GET /api/projects/{id}/invitations': { id: 'listProjectInvitations' },
  'DELETE /api/projects/{id}/invitations/{invitationId}': { id: 'revokeInvitation' },
  'GET /api/invitations': { id: 'listMyInvitations' },
  'POST /api/invitations/{id}/accept': { id: 'acceptInvitation' },
  'POST /api/invitations/{id}/decline': { id: 'declineInvitation' },
  'GET /api/projects/{id}/members': { id: 'listMembers' },
  'PATCH /api/projects/{id}/members/{userId}': {
    id: 'changeMemberRole',
    errors: { 403: 'Not the owner or an admin, or the change would touch the owner or make one' },
  },
  'DELETE /api/projects/{id}/members/{userId}': {
    id: 'removeMember',
    errors: { 403: 'Not the owner or an admin; or the owner leaving without transferring first' },
  },
  'POST /api/projects/{id}/transfer': {
    id: 'transferProject',
    errors: { 403: 'Only the owner hands a project over' },
  },
  'GET /api/categories': { id: 'listCategories' },
  'POST /api/categories': { id: 'createCategory' },
  'GET /api/categories/{id}': { id: 'getCategory' },
  'PATCH /api/categories/{id}': { id: 'updateCategory' },
  'DELETE /api/categories/{id}': { id: 'deleteCategory' },
  'GET /api/tags': { id: 'listTags' },
  'POST /api/tags': { id: 'createTag', errors: { 409: 'you already have a tag with this name' } },
  'GET /api/tags/{id}': { id: 'getTag' },
  'PATCH /api/tags/{id}': { id: 'updateTag', errors: { 409: 'you already have a tag with this name' } },
  'DELETE /api/tags/{id}': { id: 'deleteTag' },
  'GET /api/recurrence/preview': { id: 'previewRecurrence' },
  'GET /api/notifications': { id: 'listNotifications' },
  'POST /api/notifications/{id}/read': { id: 'markNotificationRead' },
  'GET /api/push/key': {
    id: 'getPushKey',
    errors: { 404: 'This server has no VAPID keys and sends no push (PUSH_UNAVAILABLE)' },
  },
  'GET /api/push/subscriptions': { id: 'listPushDevices' },
  'POST /api/push/subscriptions': {
    id: 'addPushDevice',
    errors: {
      404: 'This server has no VAPID keys and sends no push (PUSH_UNAVAILABLE)',
      409: 'You have the most devices allowed (TOO_MANY_DEVICES): remove one first',
    },
  },
  'DELETE /api/push/subscriptions/{id}': { id: 'removePushDevice' },
  'GET /api/events/stream': {
    id: 'streamEvents',
    responses: {
      200: { description: 'Server-sent events until the client leaves', content: { 'text/event-stream': { schema: SSE_EVENT } } },
    },
  },
  'GET /api/webhooks': { id: 'listWebhooks' },
  'POST /api/webhooks': {
    id: 'createWebhook',
    errors: { 400: 'The input is invalid, or the URL’s host resolves to an internal address (WEBHOOK_TARGET_REFUSED)' },
  },
  'GET /api/webhooks/{id}': { id: 'getWebhook' },
  'PATCH /api/webhooks/{id}': {
    id: 'updateWebhook',
    errors: { 400: 'The input is invalid, or the URL’s host resolves to an internal address (WEBHOOK_TARGET_REFUSED)' },
  },
  'DELETE /api/webhooks/{id}': { id: 'deleteWebhook' },
  'GET /api/webhooks/{id}/deliveries': { id: 'listWebhookDeliveries' },
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/replay': {
    id: 'replayWebhookDelivery',
    errors: { 409: 'The delivery is still pending: it is sent on its own' },
  },
  'GET /api/calendar-feeds': { id: 'listCalendarFeeds' },
  'POST /api/calendar-feeds': {
    id: 'createCalendarFeed',
    errors: { 403: 'The token lacks the "write" scope, or expires (a feed does not)' },
  },
  'DELETE /api/calendar-feeds/{id}': { id: 'deleteCalendarFeed' },
  'GET /feeds/{token}.ics': {
    id: 'getCalendarFeed',
    errors: { 404: 'No such feed: never made, or deleted' },
    responses: {
      200: {
        description: 'The tasks with a due date as iCalendar events (docs/calendar.md)',
        headers: { etag: { schema: { type: 'string' } } },
        content: { 'text/calendar': { schema: { type: 'string' } } },
      },
      304: { description: 'The copy named by If-None-Match is current' },
    },
  },
  'GET /api/export': {
    id: 'exportAccount',
    responses: {
      200: {
        description: 'A zip: todo-app.json and one .ics per project (docs/import-export.md)',
        content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
      },
    },
  },
  'POST /api/imports': {
    id: 'importFile',
    errors: {
      400: 'The input is invalid, or the file cannot be read (IMPORT_INVALID: `errors` names the row or line and why); nothing was imported',
      409: 'The same file is being imported at the same time; run it again when that is done',
      413: 'The file is larger than 32 MiB, or has more than 50,000 tasks (IMPORT_TOO_LARGE)',
      415: 'The body is not a zip, CSV, iCalendar, JSON or octet-stream',
    },
  },
  'GET /api/admin/dead-letters': { id: 'listDeadLetters' },
  'POST /api/admin/dead-letters/{id}/replay': { id: 'replayDeadLetter' },
  'POST /api/chat': { id: 'chat' },
  'GET /api/chat/status': { id: 'chatStatus' },
  'GET /api/chat/conversations': { id: 'listConversations' },
  'GET /api/chat/conversations/{id}': { id: 'getConversation' },
  'POST /mcp': { id: 'mcp' },
  'GET /mcp': { id: 'mcpStream' },
  'DELETE /mcp': { id: 'mcpEndSession' },
};

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** `GET /api/tasks/{ref}/tags` → `getTasksRefTags`: unique, as method and path are. */
function derivedOperationId(method: string, url: string): string {
  const words = url
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w && w !== 'api')
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/**
 * The zones this runtime knows, as an enum: the server refuses any other name, and a client
 * (or a fuzzer) learns which ones exist. Only in the document: tool schemas stay short.
 */
const jsonSchemaTransform = createJsonSchemaTransform({
  zodToJsonConfig: {
    override: (ctx) => {
      if (ctx.zodSchema === TimeZoneName) ctx.jsonSchema.enum = Intl.supportedValuesOf('timeZone');
    },
  },
});

const isZod = (value: unknown): boolean => value instanceof $ZodType;

/** Runs the zod transform on the zod parts of a route schema only; plain JSON Schema stays as written. */
function splitTransform(input: Parameters<Transform>[0]): Schema {
  const schema = (input.schema ?? {}) as Schema;
  const plain: Schema = {};
  const zodOnly: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'response' && value && typeof value === 'object') {
      const zodResponses: Schema = {};
      const plainResponses: Schema = {};
      for (const [status, r] of Object.entries(value)) {
        const zodContent =
          isZod(r) ||
          (r &&
            typeof r === 'object' &&
            'content' in r &&
            Object.values((r as { content: Schema }).content).every((c) => isZod((c as Schema)['schema'])));
        (zodContent ? zodResponses : plainResponses)[status] = r;
      }
      zodOnly['response'] = zodResponses;
      plain['response'] = plainResponses;
    } else if (['body', 'querystring', 'params', 'headers'].includes(key) && !isZod(value)) {
      plain[key] = value;
    } else {
      zodOnly[key] = value;
    }
  }
  const transformed = jsonSchemaTransform({ ...input, schema: zodOnly as typeof input.schema }).schema as Schema;
  const response = {
    ...((transformed['response'] as Schema | undefined) ?? {}),
    ...((plain['response'] as Schema | undefined) ?? {}),
  };
  return { ...transformed, ...plain, response };
}

/** The error responses a route can give, by what it declares. */
function errorResponses(method: string, schema: Schema, route: { config?: unknown }): Schema {
  const out: Schema = {};
  const authenticated = !(Array.isArray(schema['security']) && schema['security'].length === 0);
  const hasBody = BODY_METHODS.has(method);
  const hasParams = Boolean(schema['params']);
  if (schema['body'] || schema['querystring'] || hasParams || hasBody) {
    out['400'] = problemResponse('The input is invalid: `errors` names each field and the reason');
  }
  if (authenticated) {
    out['401'] = problemResponse('No valid session or API token');
    const admin = Array.isArray(schema['tags']) && schema['tags'].includes('admin');
    if (method !== 'GET' || admin) {
      out['403'] = problemResponse(
        admin ? 'Administrators only' : 'The token lacks the "write" scope, or a cookie session came from another site',
      );
    }
  }
  if (hasParams) out['404'] = problemResponse('Not found, or not yours');
  if (hasBody) {
    out['413'] = problemResponse('The request body is too large');
    out['415'] = problemResponse('The body is not sent as application/json');
    out['507'] = problemResponse('The database disk is full: nothing was written (STORAGE_FULL)');
  }
  const config = (route.config ?? {}) as { rateLimit?: unknown };
  if (config.rateLimit) out['429'] = problemResponse('Too many attempts; wait as Retry-After says', RETRY_AFTER);
  return out;
}

/** Any request may be shed when the server is overloaded. */
const OVERLOADED = { '503': problemResponse('Overloaded: retry after Retry-After seconds', RETRY_AFTER) };

export const openapiTransform: Transform = (input) => {
  const { url, route } = input;
  const method = String(route.method);
  const key = `${method} ${openapiPath(url)}`;
  const schema = splitTransform(input);
  if (schema['hide']) return { schema: schema as typeof input.schema, url };
  const known = OPERATIONS[key];
  // What a route documents itself wins (e.g. `/mcp`, which answers its errors in JSON-RPC).
  const response = {
    ...errorResponses(method, schema, route),
    ...Object.fromEntries(
      Object.entries(known?.errors ?? {}).map(([status, why]) => [
        status,
        problemResponse(why, status === '412' ? CURRENT_ETAG : undefined),
      ]),
    ),
    ...OVERLOADED,
    ...(known?.responses ?? {}),
    ...((schema['response'] as Schema | undefined) ?? {}),
  };
  return {
    schema: {
      operationId: known?.id ?? derivedOperationId(method, url),
      ...schema,
      response,
    } as typeof input.schema,
    url,
  };
};

/** Operations that take the task a create returned, addressed as `{ref}`. */
const TASK_OPERATIONS = ['getTask', 'updateTask', 'deleteTask', 'completeTask', 'reopenTask', 'restoreTask', 'tagTask'];

/**
 * OpenAPI links from a created task to what can be done with it: `{ref}` is not named after the
 * `id` it takes, so clients (and the fuzzer's stateful phase) would not find them otherwise.
 */
export const openapiTransformObject: NonNullable<FastifyDynamicSwaggerOptions['transformObject']> = (input) => {
  const doc = ('openapiObject' in input ? input.openapiObject : input.swaggerObject) as {
    paths?: Record<string, Record<string, { responses?: Record<string, Schema> }>>;
  };
  const created = doc.paths?.['/api/tasks']?.['post']?.responses?.['201'];
  if (created) {
    created['links'] = Object.fromEntries(
      TASK_OPERATIONS.map((operationId) => [operationId, { operationId, parameters: { ref: '$response.body#/id' } }]),
    );
  }
  return doc as ReturnType<NonNullable<FastifyDynamicSwaggerOptions['transformObject']>>;
};
