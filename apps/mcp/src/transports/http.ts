/**
 * Streamable HTTP at `/mcp`, stateless: each POST authenticates its bearer token, builds a
 * server for that principal, answers, and closes — so any replica can serve any request.
 * GET (standalone SSE stream) and DELETE (session end) answer 405, as there are no sessions.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type * as SdkTransport from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isDomainError, type Clock } from '@todo/domain';
import type { Principal, Services } from '@todo/services';
import { buildServer } from '../server.js';
import { MCP_DELETE_SCHEMA, MCP_GET_SCHEMA, MCP_POST_SCHEMA, PASS_THROUGH } from './http-doc.js';

export interface McpRouteOptions {
  services: Services;
  clock: Clock;
  /** Default `/mcp`. */
  path?: string;
  /**
   * Host names (without port) accepted in the Host header — DNS-rebinding protection.
   * Default: loopback names only. Add the public host name(s) when deployed; `['*']` turns
   * the check off (only behind a proxy that already pins the host).
   */
  allowedHosts?: readonly string[];
  /** Browser origins accepted in the Origin header (absent Origin = not a browser = fine). */
  allowedOrigins?: readonly string[];
  /**
   * Tool-call rate limit per token (or session), fixed window, in memory per replica.
   * Default 300 requests a minute; `false` turns it off (e.g. when the gateway limits).
   */
  rateLimit?: { max: number; windowMs: number } | false;
}

/**
 * The SDK's HTTP transport, loaded by the first MCP request: it brings a web-standard HTTP layer
 * and Node's fetch client (~4 MiB of heap) that a server nobody asks over MCP would keep for nothing.
 */
let transportModule: Promise<typeof SdkTransport> | undefined;
const sdkTransport = () => (transportModule ??= import('@modelcontextprotocol/sdk/server/streamableHttp.js'));

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return host.split(':')[0]!.toLowerCase();
}

function jsonRpcError(reply: FastifyReply, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  return reply
    .code(status)
    .headers({ 'content-type': 'application/json', ...headers })
    .send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** Registers POST/GET/DELETE `/mcp` on a Fastify app (the api app, or a bare one in tests). */
export function registerMcpRoutes(app: FastifyInstance, options: McpRouteOptions): void {
  const path = options.path ?? '/mcp';
  const allowedHosts = new Set((options.allowedHosts ?? LOOPBACK_HOSTS).map((h) => h.toLowerCase()));
  const anyHost = allowedHosts.has('*');
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const limit = options.rateLimit === undefined ? { max: 300, windowMs: 60_000 } : options.rateLimit;
  const windows = new Map<string, { start: number; count: number }>();
  /** Seconds to wait, or 0 when the call may proceed. */
  const throttle = (principal: Principal): number => {
    if (!limit) return 0;
    const key = principal.tokenId ?? principal.sessionId ?? principal.userId;
    const now = options.clock.now().getTime();
    let window = windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      if (windows.size > 10_000) windows.clear();
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit.max ? Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000)) : 0;
  };

  const guard = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const host = request.headers.host;
    if (!anyHost && (!host || !allowedHosts.has(hostnameOf(host)))) {
      void jsonRpcError(reply, 403, -32000, `Host "${host ?? ''}" is not allowed`);
      return false;
    }
    const origin = request.headers.origin;
    if (origin && !allowedOrigins.has(origin)) {
      let sameHost = false;
      try {
        sameHost = new URL(origin).host === host && (anyHost || allowedHosts.has(new URL(origin).hostname.toLowerCase()));
      } catch {
        sameHost = false;
      }
      if (!sameHost) {
        void jsonRpcError(reply, 403, -32000, `Origin "${origin}" is not allowed`);
        return false;
      }
    }
    return true;
  };

  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<Principal | null> => {
    const header = request.headers.authorization ?? '';
    const [scheme, credential] = header.split(' ');
    const challenge = { 'www-authenticate': 'Bearer realm="todo-app", error="invalid_token"' };
    if (scheme?.toLowerCase() !== 'bearer' || !credential) {
      await jsonRpcError(
        reply,
        401,
        -32001,
        'send Authorization: Bearer <API token> (create one with `todo token create` or POST /api/tokens)',
        {
          'www-authenticate': 'Bearer realm="todo-app"',
        },
      );
      return null;
    }
    try {
      return await options.services.auth.authenticate(credential);
    } catch (error) {
      if (isDomainError(error) && (error.code === 'UNAUTHENTICATED' || error.code === 'INVALID_CREDENTIALS')) {
        await jsonRpcError(reply, 401, -32001, 'the token is invalid, expired or revoked', challenge);
        return null;
      }
      throw error;
    }
  };

  /** A body Fastify could not read is answered in JSON-RPC, like everything else at `/mcp`. */
  const BODY_ERRORS: Record<string, [status: number, code: number, message: string]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: [400, -32700, 'Parse error: the body is not valid JSON'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, -32700, 'Parse error: the body is empty'],
    FST_ERR_CTP_BODY_TOO_LARGE: [413, -32600, 'Invalid Request: the body is too large'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, -32000, 'Unsupported Media Type: Content-Type must be application/json'],
  };
  const bodyError = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const answer = BODY_ERRORS[error.code];
    if (!answer) throw error;
    void jsonRpcError(reply, ...answer);
  };

  // Tool arguments are checked per call (runTool), so a bad one is a tool error, not an HTTP one.
  const postOptions = { schema: MCP_POST_SCHEMA, errorHandler: bodyError, config: { ownTextCheck: true }, ...PASS_THROUGH };
  app.post(path, postOptions, async (request, reply) => {
    if (!guard(request, reply)) return reply;
    const principal = await authenticate(request, reply);
    if (!principal) return reply;
    const wait = throttle(principal);
    if (wait) {
      return jsonRpcError(
        reply,
        429,
        -32000,
        `rate limit: at most ${limit ? limit.max : 0} requests per ${limit ? limit.windowMs / 1000 : 0} s; retry in ${wait} s`,
        {
          'retry-after': String(wait),
        },
      );
    }
    // No body at all (an empty one, where the JSON parser lets it through) is not JSON either.
    if (request.body === undefined) return jsonRpcError(reply, 400, -32700, 'Parse error: the body is empty');
    // `*/*` (curl, most HTTP libraries) accepts the JSON this stateless server answers with.
    const accept = request.headers.accept;
    if (!accept || accept.includes('*/*')) request.raw.headers.accept = 'application/json, text/event-stream';
    const traceparent = typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined;
    const server = buildServer({ services: options.services, principal, clock: options.clock, traceparent });
    const { StreamableHTTPServerTransport } = await sdkTransport();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(request.raw, reply.raw, request.body);
    return reply;
  });

  const notAllowed = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!guard(request, reply)) return reply;
    return jsonRpcError(reply, 405, -32000, 'stateless server: only POST is supported', { allow: 'POST' });
  };
  app.get(path, { schema: MCP_GET_SCHEMA, ...PASS_THROUGH }, notAllowed);
  app.delete(path, { schema: MCP_DELETE_SCHEMA, ...PASS_THROUGH }, notAllowed);
}
