/**
 * Sharing over REST: invitations by email (mailed through the account mail path to a real SMTP
 * server, never telling whether the address has an account), accepting and declining, members'
 * roles, removal, leaving and transfer — each refusal with its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { MAX_PROJECT_MEMBERS } from '@todo/domain';
import { accountMailer, smtpSender } from '@todo/mailer';
import { startSmtpCapture, type SmtpCapture } from '@todo/testing';
import { createHarness, type Harness } from './harness.js';

type User = Awaited<ReturnType<Harness['user']>>;

describe('sharing a project', () => {
  let h: Harness;
  let smtp: SmtpCapture;
  let sender: ReturnType<typeof smtpSender>;
  let ann: User;
  let bob: User;
  let project: { id: string };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    sender = smtpSender(smtp.url);
    h = await createHarness({
      accounts: { mail: accountMailer(sender, 'todo <todo@example.com>'), publicUrl: 'https://todo.example' },
    });
    ann = await h.user();
    bob = await h.user();
    project = (await h.call('POST', '/api/projects', ann.auth, { name: 'Household' })).body;
  });
  afterAll(async () => {
    await h?.close();
    sender?.close?.();
    await smtp?.close();
  });

  const mailsTo = async (to: string) => {
    await h.services.confirmations.settled();
    return smtp.messages.filter((m) => m.to.includes(to));
  };
  const invite = (who: User, email: string, role = 'editor', id = project.id) =>
    h.call('POST', `/api/projects/${id}/invitations`, who.auth, { email, role });

  it('answers the same for an address with and without an account, and mails both the same way', async () => {
    const known = await invite(ann, bob.email.toUpperCase());
    const unknown = await invite(ann, 'nobody-yet@example.test');
    expect([known.status, unknown.status]).toEqual([201, 201]);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(known.body).toMatchObject({ email: bob.email.toLowerCase(), role: 'editor', projectName: 'Household' });
    const [toBob] = await mailsTo(bob.email.toLowerCase());
    const [toNobody] = await mailsTo('nobody-yet@example.test');
    expect(toBob!.subject).toContain('"Household"');
    expect(toBob!.text.replaceAll(bob.email.toLowerCase(), 'X')).toBe(toNobody!.text.replaceAll('nobody-yet@example.test', 'X'));
    expect(toBob!.headers.get('x-todo-account')).toBe('project-invitation');
  });

  it('refreshes a pending invitation instead of duplicating it; lists and revokes', async () => {
    const again = await invite(ann, 'nobody-yet@example.test', 'viewer');
    const pending = (await h.call('GET', `/api/projects/${project.id}/invitations`, ann.auth)).body.items;
    expect(pending.filter((i: { email: string }) => i.email === 'nobody-yet@example.test')).toEqual([again.body]);
    expect(again.body.role).toBe('viewer');
    expect((await h.call('DELETE', `/api/projects/${project.id}/invitations/${again.body.id}`, ann.auth)).status).toBe(204);
    expect((await h.call('DELETE', `/api/projects/${project.id}/invitations/${again.body.id}`, ann.auth)).body.code).toBe(
      'INVITATION_NOT_FOUND',
    );
  });

  it('keeps an invitation to an address without an account for whoever signs up with it', async () => {
    const email = `later-${Date.now()}@example.test`;
    await invite(ann, email, 'viewer');
    const { token } = await h.services.auth.signUp({ email, password: 'correct horse battery' });
    const auth = { authorization: `Bearer ${token}` };
    const mine = (await h.call('GET', '/api/invitations', auth)).body.items;
    expect(mine).toMatchObject([{ projectId: project.id, role: 'viewer', projectName: 'Household' }]);
    const declined = await h.call('POST', `/api/invitations/${mine[0].id}/decline`, auth);
    expect(declined.status).toBe(204);
    expect((await h.call('GET', '/api/invitations', auth)).body.items).toEqual([]);
    expect((await h.call('GET', `/api/projects/${project.id}`, auth)).status).toBe(404);
  });

  it('lets the invitee accept: a member with the role, and nobody else can use the invitation', async () => {
    const [invitation] = (await h.call('GET', '/api/invitations', bob.auth)).body.items;
    const stranger = await h.user();
    expect((await h.call('POST', `/api/invitations/${invitation.id}/accept`, stranger.auth)).body.code).toBe(
      'INVITATION_NOT_FOUND',
    );
    const accepted = await h.call('POST', `/api/invitations/${invitation.id}/accept`, bob.auth);
    expect(accepted.body).toMatchObject({ id: project.id, role: 'editor' });
    const members = (await h.call('GET', `/api/projects/${project.id}/members`, bob.auth)).body.items;
    expect(members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [ann.id, 'owner'],
      [bob.id, 'editor'],
    ]);
    expect((await h.call('POST', `/api/invitations/${invitation.id}/accept`, bob.auth)).status).toBe(404);
  });

  it('refuses self-invites, members, sub-projects, the Inbox, and invitations by editors', async () => {
    expect((await invite(ann, ann.email)).body.code).toBe('SELF_INVITE');
    expect((await invite(ann, bob.email)).body.code).toBe('ALREADY_MEMBER');
    const sub = (await h.call('POST', '/api/projects', ann.auth, { name: 'Kitchen', parentId: project.id })).body;
    const viaSub = await invite(ann, 'x@example.test', 'editor', sub.id);
    expect([viaSub.status, viaSub.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(viaSub.body.detail).toContain(`/api/projects/${project.id}`);
    const inbox = (await h.call('GET', '/api/projects', ann.auth)).body.items.find((p: { inbox: boolean }) => p.inbox);
    expect((await invite(ann, 'x@example.test', 'editor', inbox.id)).status).toBe(400);
    const byEditor = await invite(bob, 'x@example.test');
    expect([byEditor.status, byEditor.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await invite(await h.user(), 'x@example.test')).status).toBe(404);
    expect(
      (await h.call('POST', `/api/projects/${project.id}/invitations`, ann.auth, { email: 'x@example.test', role: 'owner' }))
        .status,
    ).toBe(400);
  });

  it('expires invitations after 14 days', async () => {
    const email = `expiring-${Date.now()}@example.test`;
    await invite(ann, email);
    h.clock.advance(15 * 24 * 3600_000);
    const { token } = await h.services.auth.signUp({ email, password: 'correct horse battery' });
    expect((await h.call('GET', '/api/invitations', { authorization: `Bearer ${token}` })).body.items).toEqual([]);
    h.clock.advance(-15 * 24 * 3600_000);
  });

  it('changes roles as the policy says: admins manage members but never the owner', async () => {
    const asAdmin = await h.call('PATCH', `/api/projects/${project.id}/members/${bob.id}`, ann.auth, { role: 'admin' });
    expect(asAdmin.body.items.find((m: { userId: string }) => m.userId === bob.id).role).toBe('admin');
    const demoteOwner = await h.call('PATCH', `/api/projects/${project.id}/members/${ann.id}`, bob.auth, { role: 'viewer' });
    expect([demoteOwner.status, demoteOwner.body.code]).toEqual([403, 'FORBIDDEN']);
    const makeOwner = await h.call('PATCH', `/api/projects/${project.id}/members/${bob.id}`, ann.auth, { role: 'owner' });
    expect(makeOwner.status).toBe(400);
    expect((await h.call('DELETE', `/api/projects/${project.id}/members/${ann.id}`, bob.auth)).status).toBe(403);
    const ownerLeaves = await h.call('DELETE', `/api/projects/${project.id}/members/me`, ann.auth);
    expect([ownerLeaves.status, ownerLeaves.body.detail]).toEqual([403, expect.stringContaining('transfer')]);
  });

  it('transfers ownership to a member; the old owner becomes an admin', async () => {
    expect((await h.call('POST', `/api/projects/${project.id}/transfer`, bob.auth, { userId: bob.id })).status).toBe(403);
    const stranger = await h.user();
    expect((await h.call('POST', `/api/projects/${project.id}/transfer`, ann.auth, { userId: stranger.id })).status).toBe(404);
    const done = await h.call('POST', `/api/projects/${project.id}/transfer`, ann.auth, { userId: bob.id });
    expect(done.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [bob.id, 'owner'],
      [ann.id, 'admin'],
    ]);
    await h.call('POST', `/api/projects/${project.id}/transfer`, bob.auth, { userId: ann.id });
  });

  it('removes a member at once: the project and its tasks are gone for them; tasks they created stay', async () => {
    await h.call('PATCH', `/api/projects/${project.id}/members/${bob.id}`, ann.auth, { role: 'editor' });
    const task = (await h.call('POST', '/api/tasks', bob.auth, { title: 'Bob made this', projectId: project.id })).body;
    expect((await h.call('DELETE', `/api/projects/${project.id}/members/${bob.id}`, ann.auth)).status).toBe(204);
    expect((await h.call('GET', `/api/projects/${project.id}`, bob.auth)).status).toBe(404);
    expect((await h.call('GET', `/api/tasks/${task.id}`, bob.auth)).status).toBe(404);
    expect((await h.call('GET', `/api/projects/${project.id}/members`, bob.auth)).status).toBe(404);
    expect((await h.call('GET', `/api/tasks/${task.id}`, ann.auth)).body.title).toBe('Bob made this');
    const listed = (await h.call('GET', '/api/tasks', bob.auth)).body.items.map((t: { id: string }) => t.id);
    expect(listed).not.toContain(task.id);
  });

  it('lets a member leave', async () => {
    const [inv] = [(await invite(ann, bob.email, 'viewer')).body];
    await h.call('POST', `/api/invitations/${inv.id}/accept`, bob.auth);
    expect((await h.call('DELETE', `/api/projects/${project.id}/members/${bob.id}`, bob.auth)).status).toBe(204);
    expect((await h.call('GET', `/api/projects/${project.id}`, bob.auth)).status).toBe(404);
  });

  it(`holds a project to ${MAX_PROJECT_MEMBERS} members and pending invitations`, async () => {
    const big = (await h.call('POST', '/api/projects', ann.auth, { name: 'Crowd' })).body;
    // Seats filled in one statement: the ceiling is what is tested, not 500 sign-ups.
    await h.database.db.execute(sql`
      insert into project_invitations (id, project_id, email, role, invited_by, expires_at)
      select gen_random_uuid(), ${big.id}::uuid, 'seat' || n || '@example.test', 'viewer', ${ann.id}::uuid, now() + interval '30 days'
      from generate_series(1, ${MAX_PROJECT_MEMBERS - 1}) n`);
    const full = await invite(ann, 'one-more@example.test', 'editor', big.id);
    expect([full.status, full.body.code]).toEqual([409, 'TOO_MANY_MEMBERS']);
    expect((await invite(ann, 'seat1@example.test', 'editor', big.id)).status).toBe(201);
  });
});
