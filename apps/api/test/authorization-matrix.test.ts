/**
 * Every operation of the API document × every kind of caller, against what the policy
 * (packages/domain/src/policy.ts) is meant to decide: nobody without a credential gets past
 * the door, a read-only token reads and changes nothing, only administrators administer. An
 * operation added to the API without a line in `ACCESS` fails here, so none goes unclassified.
 * Which rows are a caller's own is the isolation test's part (isolation.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

type Access = 'public' | 'read' | 'write' | 'administer';

/** What each operation needs, by method and path as the API document names them. */
const ACCESS: Record<string, Access> = {
  'POST /api/auth/signup': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/me': 'read',
  'PATCH /api/me': 'write',
  'POST /api/me/password': 'write',
  'POST /api/me/sign-out-everywhere': 'write',
  'GET /api/tokens': 'read',
  'POST /api/tokens': 'write',
  'DELETE /api/tokens/{id}': 'write',
  'GET /api/tasks': 'read',
  'POST /api/tasks': 'write',
  'GET /api/tasks/{ref}': 'read',
  'PATCH /api/tasks/{ref}': 'write',
  'DELETE /api/tasks/{ref}': 'write',
  'POST /api/tasks/{ref}/complete': 'write',
  'POST /api/tasks/{ref}/reopen': 'write',
  'POST /api/tasks/{ref}/restore': 'write',
  'POST /api/tasks/{ref}/tags': 'write',
  'DELETE /api/tasks/{ref}/tags/{name}': 'write',
  'GET /api/tasks/{ref}/comments': 'read',
  'POST /api/tasks/{ref}/comments': 'write',
  'PATCH /api/comments/{id}': 'write',
  'DELETE /api/comments/{id}': 'write',
  'GET /api/tasks/{ref}/activity': 'read',
  'GET /api/projects/{id}/activity': 'read',
  'GET /api/projects': 'read',
  'POST /api/projects': 'write',
  'GET /api/projects/{id}': 'read',
  'PATCH /api/projects/{id}': 'write',
  'DELETE /api/projects/{id}': 'write',
  'POST /api/projects/{id}/invitations': 'write',
  'GET /api/projects/{id}/invitations': 'read',
  'DELETE /api/projects/{id}/invitations/{invitationId}': 'write',
  'GET /api/invitations': 'read',
  'POST /api/invitations/{id}/accept': 'write',
  'POST /api/invitations/{id}/decline': 'write',
  'GET /api/projects/{id}/members': 'read',
  'PATCH /api/projects/{id}/members/{userId}': 'write',
  'DELETE /api/projects/{id}/members/{userId}': 'write',
  'POST /api/projects/{id}/transfer': 'write',
  // Redirects to the project routes (deprecated).
  'GET /api/categories': 'read',
  'POST /api/categories': 'write',
  'GET /api/categories/{id}': 'read',
  'PATCH /api/categories/{id}': 'write',
  'DELETE /api/categories/{id}': 'write',
  'GET /api/tags': 'read',
  'POST /api/tags': 'write',
  'GET /api/tags/{id}': 'read',
  'PATCH /api/tags/{id}': 'write',
  'DELETE /api/tags/{id}': 'write',
  'GET /api/recurrence/preview': 'read',
  'GET /api/notifications': 'read',
  'POST /api/notifications/{id}/read': 'write',
  'GET /api/push/key': 'read',
  'GET /api/push/subscriptions': 'read',
  'POST /api/push/subscriptions': 'write',
  'DELETE /api/push/subscriptions/{id}': 'write',
  'GET /api/events/stream': 'read',
  'GET /api/webhooks': 'read',
  'POST /api/webhooks': 'write',
  'GET /api/webhooks/{id}': 'read',
  'PATCH /api/webhooks/{id}': 'write',
  'DELETE /api/webhooks/{id}': 'write',
  'GET /api/webhooks/{id}/deliveries': 'read',
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/replay': 'write',
  'GET /api/calendar-feeds': 'read',
  'POST /api/calendar-feeds': 'write',
  'DELETE /api/calendar-feeds/{id}': 'write',
  'GET /api/export': 'read',
  'POST /api/imports': 'write',
  // The URL's secret is the credential: open to anyone, an unknown secret answers 404.
  'GET /feeds/{token}.ics': 'public',
  'GET /api/admin/dead-letters': 'administer',
  'POST /api/admin/dead-letters/{id}/replay': 'administer',
};

/** Whose credential; `admin` is the instance's first account. */
type CallerKind = 'nobody' | 'read-token' | 'write-token' | 'admin-token';

/** The refusal each caller gets, or null where the policy lets it through. */
function expectedRefusal(access: Access, caller: CallerKind, method: string): { status: number; code: string } | null {
  if (access === 'public') return null;
  if (caller === 'nobody') return { status: 401, code: 'UNAUTHENTICATED' };
  const writes = method !== 'GET';
  if (caller === 'read-token' && writes) return { status: 403, code: 'INSUFFICIENT_SCOPE' };
  if (access === 'administer' && caller !== 'admin-token') return { status: 403, code: 'FORBIDDEN' };
  return null;
}

describe('authorization matrix: every operation × every kind of caller', () => {
  let h: Harness;
  const bearer: Record<Exclude<CallerKind, 'nobody'>, string> = { 'read-token': '', 'write-token': '', 'admin-token': '' };
  let operations: [string, string][] = [];

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.user(); // the first account administers the instance
    const user = await h.user();
    const token = async (auth: Record<string, string>, scopes: string[]) =>
      (await h.call('POST', '/api/tokens', auth, { name: `matrix ${scopes.join('+')}`, scopes })).body.secret as string;
    bearer['admin-token'] = await token(admin.auth, ['read', 'write']);
    bearer['write-token'] = await token(user.auth, ['read', 'write']);
    bearer['read-token'] = await token(user.auth, ['read']);
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m): [string, string] => [m.toUpperCase(), path]),
    );
  });
  afterAll(() => h?.close());

  it('classifies every operation of the API document, and only those', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map(([m, p]) => `${m} ${p}`).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it('refuses or admits each caller as the policy says, before looking at the input', async () => {
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const [method, path] of operations) {
      const access = ACCESS[`${method} ${path}`]!;
      // Ids that exist nowhere: an admitted caller then meets 404 or 400, never 401/403.
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      for (const caller of ['nobody', 'read-token', 'write-token', 'admin-token'] as const) {
        const refusal = expectedRefusal(access, caller, method);
        // An admitted stream would stay open: its admission is the stream tests' part.
        if (!refusal && path === '/api/events/stream') continue;
        const res = await h.app.inject({
          method: method as 'GET',
          url,
          headers: caller === 'nobody' ? {} : { authorization: `Bearer ${bearer[caller]}` },
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        const label = `${method} ${path} as ${caller}`;
        const code = res.headers['content-type']?.toString().includes('json')
          ? (res.json() as { code?: string }).code
          : undefined;
        outcomes.push(
          `${label}: ${refusal ? `${res.statusCode} ${code}` : res.statusCode === 401 || res.statusCode === 403 ? `refused ${res.statusCode} ${code}` : 'admitted'}`,
        );
        wanted.push(`${label}: ${refusal ? `${refusal.status} ${refusal.code}` : 'admitted'}`);
      }
    }
    expect(outcomes).toEqual(wanted);
  });
});
