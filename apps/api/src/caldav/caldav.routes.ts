/**
 * CalDAV for tasks (RFC 4791, RFC 6578, discovery per RFC 6764) under `/dav/`, authenticated
 * with HTTP Basic: the account email and an app password (an API token). One route takes
 * every method and path of the tree and dispatches on what the path names (dav-target.ts).
 * Not in the OpenAPI document: DAV methods and XML bodies are outside what it describes
 * (docs/caldav.md).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, enforce, isDomainError, policy } from '@todo/domain';
import type { Services } from '@todo/services';
import { principalOf, traceparentOf } from '../auth.js';
import { retryAfterOf, sendProblem, toProblem } from '../problem.js';
import { calendarHref, PRINCIPAL } from './dav-props.js';
import { propfind, wantedProps } from './dav-propfind.js';
import { report } from './dav-report.js';
import { targetOf, type DavTarget } from './dav-target.js';
import { CALDAV, DAV, descendants, errorBody, parseXml, textOf } from './dav-xml.js';

export const DAV_METHODS = ['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCALENDAR'] as const;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);
const ALLOW = 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR';
const REALM = 'Basic realm="todo-app CalDAV", charset="UTF-8"';
const XML = 'application/xml; charset=utf-8';

/** Call on the root instance before routes: Fastify routes only methods it was told of. */
export function addDavMethods(app: FastifyInstance): void {
  for (const method of DAV_METHODS) app.addHttpMethod(method, { hasBody: true });
}

export function registerCaldavRoutes(scope: FastifyInstance, services: Services): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  scope.decorateRequest('principal', null);
  scope.setErrorHandler((error, request, reply) => answerError(error, request, reply));

  // RFC 6764: clients given only the host find the principal here, before they authenticate.
  scope.route({
    method: ['GET', 'PROPFIND'],
    url: '/.well-known/caldav',
    schema: { hide: true },
    handler: (_request, reply) => reply.redirect(PRINCIPAL, 301),
  });

  scope.route({
    method: ['GET', 'PUT', 'DELETE', 'OPTIONS', ...DAV_METHODS],
    url: '/dav/*',
    schema: { hide: true },
    // iCalendar text is checked by its parser (and carries CR LF line ends).
    config: { ownTextCheck: true },
    onRequest: async (request) => {
      if (request.method !== 'OPTIONS') await authenticateBasic(services, request);
    },
    handler: async (request, reply) => {
      const target = targetOf(request.url);
      if (request.method === 'OPTIONS')
        return reply.header('dav', '1, 3, calendar-access').header('allow', ALLOW).code(204).send();
      if (!target) throw new DomainError('NOT_FOUND', `nothing at ${request.url.split('?')[0]}`);
      return dispatch(services, request, reply, target);
    },
  });
}

async function dispatch(services: Services, request: FastifyRequest, reply: FastifyReply, target: DavTarget) {
  const principal = principalOf(request);
  const ctx = { principal, traceparent: traceparentOf(request) };
  const body = typeof request.body === 'string' ? request.body : undefined;
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const conditions = { ifMatch: header('if-match'), ifNoneMatchAny: header('if-none-match')?.trim() === '*' };
  switch (request.method) {
    case 'PROPFIND':
      return reply
        .code(207)
        .type(XML)
        .send(await propfind(services, principal, target, header('depth'), body));
    case 'PROPPATCH':
      // Calendar names and colours are edited in the app; accepting the change silently would lose it.
      wantedProps(body);
      throw new DomainError('FORBIDDEN', 'calendar properties are changed in the app (rename the project there)');
    case 'REPORT':
      if (target.kind !== 'calendar') throw new DomainError('NOT_FOUND', 'REPORT is answered on a calendar');
      return reply
        .code(207)
        .type(XML)
        .send(await report(services, principal, target.projectId, body));
    case 'MKCALENDAR': {
      if (target.kind !== 'calendar') throw new DomainError('FORBIDDEN', 'calendars are made under /dav/calendars/<uuid>/');
      await services.caldav.createCalendar(ctx, target.projectId, displayNameOf(body) ?? 'New calendar');
      return reply.code(201).header('location', calendarHref(target.projectId)).send();
    }
  }
  if (target.kind !== 'resource') throw new DomainError('METHOD_NOT_ALLOWED', `${request.method} is for .ics resources`);
  switch (request.method) {
    case 'GET': {
      const resource = await services.caldav.resource(principal, target.projectId, target.name);
      if (!resource) throw new DomainError('TASK_NOT_FOUND', `no ${target.name}.ics in this calendar`);
      return reply.header('etag', resource.etag).type('text/calendar; charset=utf-8').send(resource.ics);
    }
    case 'PUT': {
      const written = await services.caldav.put(ctx, target.projectId, target.name, body ?? '', conditions);
      return reply
        .code(written.created ? 201 : 204)
        .header('etag', written.etag)
        .send();
    }
    default:
      await services.caldav.remove(ctx, target.projectId, target.name, conditions);
      return reply.code(204).send();
  }
}

/** HTTP Basic: email and app password; 401 with the challenge when missing or wrong. */
async function authenticateBasic(services: Services, request: FastifyRequest): Promise<void> {
  const match = /^basic\s+([a-z\d+/=]+)$/i.exec(request.headers.authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new DomainError('UNAUTHENTICATED', 'CalDAV needs HTTP Basic: your email and an app password');
  const principal = await services.caldav.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1), request.ip);
  enforce(policy.access(principal, READ_METHODS.has(request.method) ? 'read' : 'write'));
  request.principal = principal;
}

function displayNameOf(body: string | undefined): string | null {
  const root = parseXml(body);
  const name = root ? descendants(root, DAV, 'displayname')[0] : undefined;
  return name ? textOf(name).slice(0, 100) || null : null;
}

function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const code = isDomainError(error) ? error.code : undefined;
  if (code === 'UNAUTHENTICATED' || code === 'INVALID_CREDENTIALS') reply.header('www-authenticate', REALM);
  if (code === 'INVALID_SYNC_TOKEN')
    return reply
      .code(403)
      .type(XML)
      .send(errorBody({ ns: DAV, name: 'valid-sync-token' }));
  if (code === 'PRECONDITION_FAILED' && request.method === 'PUT' && request.headers['if-none-match']) {
    return reply
      .code(412)
      .type(XML)
      .send(errorBody({ ns: CALDAV, name: 'no-uid-conflict' }));
  }
  const retryAfter = retryAfterOf(error);
  if (retryAfter) reply.header('retry-after', String(retryAfter));
  return sendProblem(reply, toProblem(error, request));
}
