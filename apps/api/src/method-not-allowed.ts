/**
 * A path that exists, asked with a method it does not have, is 405 with `Allow` (RFC 9110
 * §15.5.6) rather than the 404 Fastify gives: the client learns the path is right.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { problem, sendProblem } from './problem.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function answerWrongMethodWith405(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    // A route matched; only requests bound for the not-found handler are looked at.
    if (request.routeOptions.url !== undefined) return;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }));
    if (!allowed.length) return;
    reply.header('allow', allowed.join(', '));
    return sendProblem(reply, problem('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(', ')}`));
  });
}
