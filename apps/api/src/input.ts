/**
 * Checks every request's input gets before any route schema: the whole body, query string and
 * path parameters are walked once for text the application refuses (NUL, lone surrogates;
 * see `unsafeTextIssues`), so no string field of any route can be forgotten.
 */
import type { FastifyInstance } from 'fastify';
import { assertSafeText } from '@todo/domain';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The handler checks text itself and answers in its own protocol (`/mcp` answers JSON-RPC,
     * with a tool error naming the argument).
     */
    ownTextCheck?: boolean;
  }
}

export function registerInputChecks(app: FastifyInstance): void {
  // Many HTTP clients send `Content-Type: application/json` on every POST, also without a body:
  // an empty body is no body (routes that need one then say so), never a JSON syntax error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') done(null, undefined);
    else void parseJson(request, text, done); // answers through `done`
  });

  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.ownTextCheck) return;
    // Fields are named as schema errors name them: without saying where they came from.
    assertSafeText({ ...asObject(request.params), ...asObject(request.query) });
    assertSafeText(request.body);
  });
}

const asObject = (value: unknown): object => (value !== null && typeof value === 'object' ? value : {});
