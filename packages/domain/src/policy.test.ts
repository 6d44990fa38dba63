import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { commentRule, enforce, MAX_IMPORT_TASKS, MAX_PUSH_DEVICES, memberRule, policy, projectRule, PROJECT_ACTIONS, type Caller } from './policy.js';

const session: Caller = { scopes: ['read', 'write'], via: 'session' };
const readToken: Caller = { scopes: ['read'], via: 'token', tokenId: 't-read', tokenExpiresAt: null };
const expiring: Caller = {
  scopes: ['read', 'write'],
  via: 'token',
  tokenId: 't-exp',
  tokenExpiresAt: new Date('2027-01-01T00:00:00Z'),
};

describe('policy', () => {
  it('reads with the read scope, writes only with the write scope', () => {
    expect(policy.access(readToken, 'read').allowed).toBe(true);
    expect(policy.access(readToken, 'write')).toMatchObject({ allowed: false, code: 'INSUFFICIENT_SCOPE' });
    expect(policy.access({ scopes: ['write'], via: 'token' }, 'read')).toMatchObject({
      allowed: false,
      code: 'INSUFFICIENT_SCOPE',
    });
    expect(policy.access(session, 'write').allowed).toBe(true);
  });

  it('lets administrators alone administer', () => {
    expect(policy.administer({ isAdmin: true }).allowed).toBe(true);
    expect(policy.administer({ isAdmin: false })).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('mints no token with more scope or a later expiry than the token that asks', () => {
    expect(policy.mintToken(session, { scopes: ['read', 'write'], expiresAt: null }).allowed).toBe(true);
    expect(policy.mintToken(readToken, { scopes: ['read', 'write'], expiresAt: null })).toMatchObject({
      allowed: false,
      code: 'INSUFFICIENT_SCOPE',
      issues: [{ field: 'scopes' }],
    });
    expect(policy.mintToken(readToken, { scopes: ['read'], expiresAt: null }).allowed).toBe(true);
    for (const expiresAt of [null, new Date('2027-01-02T00:00:00Z')]) {
      expect(policy.mintToken(expiring, { scopes: ['read'], expiresAt })).toMatchObject({
        allowed: false,
        code: 'VALIDATION_FAILED',
        issues: [{ field: 'expiresAt' }],
      });
    }
    expect(policy.mintToken(expiring, { scopes: ['read'], expiresAt: new Date('2026-12-31T00:00:00Z') }).allowed).toBe(true);
  });

  it('lets a token revoke itself and its descendants only; a session any', () => {
    expect(policy.revokeToken(readToken, ['child', 't-read', 'root']).allowed).toBe(true);
    expect(policy.revokeToken(readToken, ['other', 'root'])).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(policy.revokeToken(session, ['other']).allowed).toBe(true);
  });

  it('lets sessions and tokens without expiry create calendar feeds, which never expire; no expiring token', () => {
    expect(policy.createCalendarFeed(session).allowed).toBe(true);
    expect(policy.createCalendarFeed(readToken).allowed).toBe(true);
    expect(policy.createCalendarFeed(expiring)).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('enforce throws the refusal as a domain error with its code and fields', () => {
    expect(() => enforce(policy.access(readToken, 'read'))).not.toThrow();
    let refused: unknown;
    try {
      enforce(policy.mintToken(readToken, { scopes: ['write'], expiresAt: null }));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'INSUFFICIENT_SCOPE', issues: [{ field: 'scopes' }] });
  });

  it('lets webhooks reach internal addresses only when the operator allows it', () => {
    expect(policy.reachWebhookTarget({ internal: null }, false)).toEqual({ allowed: true });
    expect(policy.reachWebhookTarget({ internal: 'loopback 127.0.0.1' }, true)).toEqual({ allowed: true });
    expect(policy.reachWebhookTarget({ internal: 'loopback 127.0.0.1' }, false)).toMatchObject({
      allowed: false,
      code: 'WEBHOOK_TARGET_REFUSED',
      issues: [{ field: 'url' }],
    });
  });

  it('lets a browser name only the push services the operator allows', () => {
    const allowed = ['https://fcm.googleapis.com', 'https://*.push.services.mozilla.com', 'https://127.0.0.1:4430'];
    const verdict = (endpoint: string) => policy.pushEndpoint(endpoint, allowed).allowed;
    expect(verdict('https://fcm.googleapis.com/fcm/send/abc')).toBe(true);
    expect(verdict('https://updates.push.services.mozilla.com/wpush/v2/abc')).toBe(true);
    expect(verdict('https://127.0.0.1:4430/push/abc')).toBe(true);
    expect(verdict('https://127.0.0.1:4431/push/abc')).toBe(false);
    expect(verdict('https://push.services.mozilla.com.evil.test/abc')).toBe(false);
    expect(verdict('https://evil.push.services.mozilla.com:8443/abc')).toBe(false);
    expect(verdict('https://fcm.googleapis.com.evil.test/fcm/send/abc')).toBe(false);
    expect(policy.pushEndpoint('https://10.0.0.1/x', allowed)).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ field: 'endpoint' }],
    });
  });

  it('bounds the devices a user gets reminders on, but lets a registered browser register again', () => {
    expect(policy.addPushDevice({ count: MAX_PUSH_DEVICES - 1, includesThisOne: false }).allowed).toBe(true);
    expect(policy.addPushDevice({ count: MAX_PUSH_DEVICES, includesThisOne: true }).allowed).toBe(true);
    expect(policy.addPushDevice({ count: MAX_PUSH_DEVICES, includesThisOne: false })).toMatchObject({ code: 'TOO_MANY_DEVICES' });
  });
});

describe('project rules', () => {
  const roles = ['owner', 'admin', 'editor', 'viewer', null] as const;
  // The whole table, written out: a change to who may do what has to change this test too.
  const allowed: Record<string, readonly (string | null)[]> = {
    read: ['owner', 'admin', 'editor', 'viewer'],
    writeTasks: ['owner', 'admin', 'editor'],
    comment: ['owner', 'admin', 'editor'],
    editOwnComment: ['owner', 'admin', 'editor'],
    deleteAnyComment: ['owner', 'admin'],
    assign: ['owner', 'admin', 'editor'],
    manage: ['owner', 'admin'],
    invite: ['owner', 'admin'],
    manageMembers: ['owner', 'admin'],
    transfer: ['owner'],
    leave: ['admin', 'editor', 'viewer'],
    delete: ['owner'],
  };
  // Where the project lets viewers comment (`commentsByViewers`), viewers comment and edit their own too.
  const withViewerComments: Record<string, readonly (string | null)[]> = {
    ...allowed,
    comment: ['owner', 'admin', 'editor', 'viewer'],
    editOwnComment: ['owner', 'admin', 'editor', 'viewer'],
  };

  const cells = PROJECT_ACTIONS.flatMap((action) =>
    roles.flatMap((role) => [false, true].map((commentsByViewers) => [action, role, commentsByViewers] as const)),
  );
  it.each(cells)('%s by %s (viewers may comment: %s)', (action, role, commentsByViewers) => {
    const decision = projectRule(role, action, 'project', { commentsByViewers });
    if ((commentsByViewers ? withViewerComments : allowed)[action]!.includes(role)) expect(decision.allowed).toBe(true);
    else expect(decision).toMatchObject({ allowed: false, code: role === null ? 'PROJECT_NOT_FOUND' : 'FORBIDDEN' });
  });

  // Every (role, action, own comment?, viewers may comment?) cell of editing and deleting a comment.
  const commentCells = roles.flatMap((role) =>
    (['edit', 'delete'] as const).flatMap((action) =>
      [true, false].flatMap((own) => [false, true].map((commentsByViewers) => [role, action, own, commentsByViewers] as const)),
    ),
  );
  it.each(commentCells)('comment %s: %s, own %s (viewers may comment: %s)', (role, action, own, commentsByViewers) => {
    const decision = commentRule(role, action, { own }, { commentsByViewers });
    const mayComment = role !== null && (role !== 'viewer' || commentsByViewers);
    const expected =
      role === null
        ? 'NOT_FOUND'
        : own
          ? mayComment
            ? null
            : 'FORBIDDEN'
          : action === 'delete' && (role === 'owner' || role === 'admin')
            ? null
            : 'FORBIDDEN';
    if (expected === null) expect(decision.allowed).toBe(true);
    else expect(decision).toMatchObject({ allowed: false, code: expected });
  });

  it('tells a stranger that a task of the project does not exist, and a viewer why not', () => {
    expect(projectRule(null, 'writeTasks', 'task')).toMatchObject({ code: 'TASK_NOT_FOUND', reason: 'no such task' });
    expect(() => enforce(projectRule('viewer', 'writeTasks', 'task'))).toThrow(/viewers of a project cannot change its tasks/);
  });

  it('takes an import of up to MAX_IMPORT_TASKS tasks and refuses a larger one as too large', () => {
    expect(policy.importFile({ tasks: MAX_IMPORT_TASKS })).toEqual({ allowed: true });
    expect(policy.importFile({ tasks: MAX_IMPORT_TASKS + 1 })).toMatchObject({ allowed: false, code: 'IMPORT_TOO_LARGE' });
  });

  // Every (caller, target, change) cell: only owners and admins change members, nobody the owner, nobody into an owner.
  const members = ['owner', 'admin', 'editor', 'viewer'] as const;
  it.each(
    roles.flatMap((caller) =>
      members.flatMap((target) => [...members, 'remove' as const].map((change) => [caller, target, change] as const)),
    ),
  )('member change by %s of a %s to %s', (caller, target, change) => {
    const decision = memberRule(caller, target, change);
    if (caller === null) expect(decision).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    else if (caller !== 'owner' && caller !== 'admin') expect(decision).toMatchObject({ code: 'FORBIDDEN' });
    else if (target === 'owner' || change === 'owner') expect(decision).toMatchObject({ code: 'FORBIDDEN' });
    else expect(decision.allowed).toBe(true);
  });
});
