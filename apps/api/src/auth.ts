/**
 * Who is calling. Clients send `Authorization: Bearer <session JWT | API token>`; the browser
 * may instead hold the session in an HttpOnly, SameSite=Strict cookie, in which case unsafe
 * methods must also come from our own origin (docs/security.md).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, enforce, policy } from '@todo/domain';
import type { AuthService, Principal } from '@todo/services';

export const SESSION_COOKIE = 'todo_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** The origin of PUBLIC_URL, the address users are given; null when the app was built without one. */
    publicOrigin: string | null;
  }
}

const originOf = (url: string): string | null => {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
};

/**
 * Whether an unsafe request comes from a page of this site: its Origin (or, from browsers that
 * omit it, its Referer) is, scheme, host and port alike, either the configured public origin,
 * however the server was reached (a proxy, 127.0.0.1), or the origin the request was sent to.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const claimed = request.headers.origin ?? request.headers.referer;
  const origin = claimed ? originOf(claimed) : null;
  if (!origin) return false;
  if (origin === request.server.publicOrigin) return true;
  return origin === originOf(`${request.protocol}://${request.host}`);
}

/** A session cookie is sent by the browser on its own, so only our pages may use it to change anything. */
export function assertCookieRequestAllowed(request: FastifyRequest): void {
  if (!SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
    throw new DomainError('FORBIDDEN', 'cross-site request refused: send the Origin header of this site');
  }
}

export async function identify(auth: AuthService, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, credential] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !credential) {
      throw new DomainError('UNAUTHENTICATED', 'use Authorization: Bearer <token>');
    }
    return auth.authenticate(credential);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    assertCookieRequestAllowed(request);
    return auth.authenticate(cookie);
  }
  throw new DomainError('UNAUTHENTICATED', 'sign in, or send Authorization: Bearer <token>');
}

/**
 * Who calls an authenticated route, refused unless the credential has the scope the method
 * needs. Runs before the input is parsed, so a credential that may not write learns nothing
 * about what a valid write would look like.
 */
export async function authenticate(auth: AuthService, request: FastifyRequest): Promise<void> {
  const principal = await identify(auth, request);
  enforce(policy.access(principal, SAFE_METHODS.has(request.method) ? 'read' : 'write'));
  request.principal = principal;
}

/** The principal of an authenticated route (`authenticate` ran before the handler). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'sign in first');
  return principal;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The W3C trace context that travels into the outbox event, so a trace follows the change into every consumer. */
export const traceparentOf = (request: FastifyRequest): string | undefined => {
  const value = request.headers.traceparent;
  return typeof value === 'string' && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(value) ? value : undefined;
};
