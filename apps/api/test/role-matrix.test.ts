/**
 * Issue #23's acceptance 1 over REST: every route that touches a project or its tasks × every
 * relation to a shared project — owner, admin, editor, viewer, invited (not accepted), removed
 * member, stranger — with the exact outcome. A member refused a write (or an owner-and-admin
 * read) gets 403; whoever is no member gets 404, as for an id that exists nowhere. The routes
 * come from the API document: a new one without a row here fails the first test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createHarness, type Harness } from './harness.js';

const WHO = ['owner', 'admin', 'editor', 'viewer', 'invited', 'removed', 'stranger'] as const;
type Who = (typeof WHO)[number];
const MEMBERS = ['owner', 'admin', 'editor', 'viewer'] as const;
type User = Awaited<ReturnType<Harness['user']>>;

interface Fixture {
  root: string;
  sub: string;
  task: string;
  users: Record<Who, User>;
  invitation: string;
}

interface Row {
  /** Who succeeds, with which status; every other member gets 403, every non-member 404. */
  allowed: readonly Who[];
  ok: number;
  /** The request as `who` makes it; may prepare what it acts on (a task to delete, …). */
  request: (f: Fixture, who: Who, h: Harness) => Promise<{ url: string; body?: unknown }>;
  /** A refusal to members outside `allowed` other than 403 (reads of things they see). */
  memberRefusal?: number;
  /** What non-members get, when not 404. */
  strangerStatus?: number;
}

const freshTask = async (h: Harness, f: Fixture) =>
  (await h.call('POST', '/api/tasks', f.users.owner.auth, { title: 'fresh', projectId: f.sub })).body.id as string;
const ownersComment = async (h: Harness, f: Fixture) =>
  (await h.call('POST', `/api/tasks/${f.task}/comments`, f.users.owner.auth, { body: 'From the owner' })).body.id as string;
const other = (f: Fixture, who: Who) => (who === 'viewer' ? f.users.editor.id : f.users.viewer.id);
const editors = ['owner', 'admin', 'editor'] as const;
const managers = ['owner', 'admin'] as const;

const ROWS: Record<string, Row> = {
  'GET /api/tasks/{ref}': { allowed: MEMBERS, ok: 200, request: async (f) => ({ url: `/api/tasks/${f.task}` }) },
  'PATCH /api/tasks/{ref}': {
    allowed: editors,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}`, body: { priority: 'high' } }),
  },
  'DELETE /api/tasks/{ref}': {
    allowed: editors,
    ok: 204,
    request: async (f, _w, h) => ({ url: `/api/tasks/${await freshTask(h, f)}` }),
  },
  'POST /api/tasks/{ref}/complete': {
    allowed: editors,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}/complete` }),
  },
  'POST /api/tasks/{ref}/reopen': { allowed: editors, ok: 200, request: async (f) => ({ url: `/api/tasks/${f.task}/reopen` }) },
  // Undo belongs to whoever deleted (here the owner): for anyone else there is nothing to restore.
  'POST /api/tasks/{ref}/restore': {
    allowed: ['owner'],
    ok: 200,
    memberRefusal: 404,
    request: async (f, _w, h) => {
      const id = await freshTask(h, f);
      await h.call('DELETE', `/api/tasks/${id}`, f.users.owner.auth);
      return { url: `/api/tasks/${id}/restore` };
    },
  },
  'POST /api/tasks/{ref}/tags': {
    allowed: editors,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}/tags`, body: { name: 'x' } }),
  },
  'DELETE /api/tasks/{ref}/tags/{name}': {
    allowed: editors,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}/tags/x` }),
  },
  'GET /api/projects/{id}': { allowed: MEMBERS, ok: 200, request: async (f) => ({ url: `/api/projects/${f.sub}` }) },
  'PATCH /api/projects/{id}': {
    allowed: managers,
    ok: 200,
    request: async (f) => ({ url: `/api/projects/${f.sub}`, body: { color: '#ff0000' } }),
  },
  'DELETE /api/projects/{id}': {
    allowed: ['owner'],
    ok: 204,
    request: async (f, _w, h) => ({
      url: `/api/projects/${(await h.call('POST', '/api/projects', f.users.owner.auth, { name: `gone ${randomUUID()}`, parentId: f.root })).body.id}`,
    }),
  },
  'POST /api/projects/{id}/invitations': {
    allowed: managers,
    ok: 201,
    request: async (f) => ({ url: `/api/projects/${f.root}/invitations`, body: { email: `${randomUUID()}@example.test` } }),
  },
  'GET /api/projects/{id}/invitations': {
    allowed: managers,
    ok: 200,
    request: async (f) => ({ url: `/api/projects/${f.root}/invitations` }),
  },
  'DELETE /api/projects/{id}/invitations/{invitationId}': {
    allowed: managers,
    ok: 204,
    request: async (f, _w, h) => {
      const made = await h.call('POST', `/api/projects/${f.root}/invitations`, f.users.owner.auth, {
        email: `${randomUUID()}@example.test`,
      });
      return { url: `/api/projects/${f.root}/invitations/${made.body.id}` };
    },
  },
  'GET /api/projects/{id}/members': {
    allowed: MEMBERS,
    ok: 200,
    request: async (f) => ({ url: `/api/projects/${f.sub}/members` }),
  },
  'PATCH /api/projects/{id}/members/{userId}': {
    allowed: managers,
    ok: 200,
    request: async (f, who) => ({ url: `/api/projects/${f.root}/members/${other(f, who)}`, body: { role: 'viewer' } }),
  },
  'DELETE /api/projects/{id}/members/{userId}': {
    allowed: managers,
    ok: 204,
    request: async (f, who) => ({ url: `/api/projects/${f.root}/members/${other(f, who)}` }),
  },
  'POST /api/projects/{id}/transfer': {
    allowed: ['owner'],
    ok: 200,
    request: async (f) => ({ url: `/api/projects/${f.root}/transfer`, body: { userId: f.users.editor.id } }),
  },
  // The invitee's side: only the address invited can see and answer its invitation.
  'POST /api/invitations/{id}/accept': {
    allowed: ['invited'],
    ok: 200,
    memberRefusal: 404,
    request: async (f) => ({ url: `/api/invitations/${f.invitation}/accept` }),
  },
  'POST /api/invitations/{id}/decline': {
    allowed: ['invited'],
    ok: 204,
    memberRefusal: 404,
    request: async (f) => ({ url: `/api/invitations/${f.invitation}/decline` }),
  },
  'GET /api/tasks/{ref}/comments': {
    allowed: MEMBERS,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}/comments` }),
  },
  // Viewers comment only where the project lets them (`commentsByViewers`, off here).
  'POST /api/tasks/{ref}/comments': {
    allowed: editors,
    ok: 201,
    request: async (f) => ({ url: `/api/tasks/${f.task}/comments`, body: { body: 'Looks good' } }),
  },
  // The owner's comment: only its author edits it; the owner and admins delete anyone's.
  'PATCH /api/comments/{id}': {
    allowed: ['owner'],
    ok: 200,
    request: async (f, _w, h) => ({ url: `/api/comments/${await ownersComment(h, f)}`, body: { body: 'Edited' } }),
  },
  'DELETE /api/comments/{id}': {
    allowed: managers,
    ok: 204,
    request: async (f, _w, h) => ({ url: `/api/comments/${await ownersComment(h, f)}` }),
  },
  'GET /api/tasks/{ref}/activity': {
    allowed: MEMBERS,
    ok: 200,
    request: async (f) => ({ url: `/api/tasks/${f.task}/activity` }),
  },
  'GET /api/projects/{id}/activity': {
    allowed: MEMBERS,
    ok: 200,
    request: async (f) => ({ url: `/api/projects/${f.sub}/activity` }),
  },
  // Old category links redirect whoever asks (the project route then decides).
  'GET /api/categories/{id}': { allowed: WHO, ok: 308, request: async (f) => ({ url: `/api/categories/${f.sub}` }) },
  'PATCH /api/categories/{id}': { allowed: WHO, ok: 308, request: async (f) => ({ url: `/api/categories/${f.sub}`, body: {} }) },
  'DELETE /api/categories/{id}': { allowed: WHO, ok: 308, request: async (f) => ({ url: `/api/categories/${f.sub}` }) },
};

const touchesProjects = (path: string) =>
  path.includes('{ref}') ||
  ['/api/projects/{id}', '/api/invitations/{id}', '/api/categories/{id}', '/api/comments/{id}'].some((p) => path.startsWith(p));

describe('authorization by role on a shared project: every route × every relation', () => {
  let h: Harness;
  let f: Fixture;
  let operations: string[] = [];

  /** Members, roles and the pending invitation as they were: every request starts from the same state. */
  async function reset(): Promise<void> {
    const { db } = h.database;
    await db.execute(sql`delete from project_members where project_id = ${f.root}::uuid`);
    for (const role of MEMBERS) {
      await db.execute(
        sql`insert into project_members (project_id, user_id, role) values (${f.root}::uuid, ${f.users[role].id}::uuid, ${role})`,
      );
    }
    await db.execute(sql`
      insert into project_invitations (id, project_id, email, role, invited_by, expires_at)
      values (${f.invitation}::uuid, ${f.root}::uuid, ${f.users.invited.email.toLowerCase()}, 'editor', ${f.users.owner.id}::uuid, '2099-01-01')
      on conflict do nothing`);
  }

  beforeAll(async () => {
    h = await createHarness();
    const users = {} as Record<Who, User>;
    for (const who of WHO) users[who] = await h.user();
    const root = (await h.call('POST', '/api/projects', users.owner.auth, { name: 'Shared' })).body.id;
    const sub = (await h.call('POST', '/api/projects', users.owner.auth, { name: 'Sub', parentId: root })).body.id;
    const task = (await h.call('POST', '/api/tasks', users.owner.auth, { title: 'Shared task', projectId: sub })).body.id;
    f = { root, sub, task, users, invitation: randomUUID() };
    // The removed member was one, through the API, and is no longer.
    const inv = await h.call('POST', `/api/projects/${root}/invitations`, users.owner.auth, { email: users.removed.email });
    await h.call('POST', `/api/invitations/${inv.body.id}/accept`, users.removed.auth);
    expect((await h.call('DELETE', `/api/projects/${root}/members/${users.removed.id}`, users.owner.auth)).status).toBe(204);
    await reset();
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, object> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      touchesProjects(path) ? Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`) : [],
    );
  });
  afterAll(() => h?.close());

  it('has a row for every route that touches a project or its tasks', () => {
    expect(operations.sort()).toEqual(Object.keys(ROWS).sort());
  });

  it('answers each relation exactly as the policy says', async () => {
    const got: string[] = [];
    const wanted: string[] = [];
    for (const operation of operations) {
      const row = ROWS[operation]!;
      const method = operation.split(' ')[0]!;
      for (const who of WHO) {
        await reset();
        const { url, body } = await row.request(f, who, h);
        const res = await h.call(method, url, f.users[who].auth, body);
        const member = (MEMBERS as readonly string[]).includes(who);
        const expected = row.allowed.includes(who) ? row.ok : member ? (row.memberRefusal ?? 403) : (row.strangerStatus ?? 404);
        got.push(`${operation} as ${who}: ${res.status}`);
        wanted.push(`${operation} as ${who}: ${expected}`);
      }
    }
    await reset();
    expect(got).toEqual(wanted);
  });
});
