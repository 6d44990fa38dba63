import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { enforce, policy, projectRule, PROJECT_ACTIONS, type Caller } from './policy.js';

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
});

describe('project rules', () => {
  const roles = ['owner', 'admin', 'editor', 'viewer', null] as const;
  // The whole table, written out: a change to who may do what has to change this test too.
  const allowed: Record<string, readonly (string | null)[]> = {
    read: ['owner', 'admin', 'editor', 'viewer'],
    writeTasks: ['owner', 'admin', 'editor'],
    manage: ['owner', 'admin'],
    delete: ['owner'],
  };

  it.each(PROJECT_ACTIONS.flatMap((action) => roles.map((role) => [action, role] as const)))('%s by %s', (action, role) => {
    const decision = projectRule(role, action);
    if (allowed[action]!.includes(role)) expect(decision.allowed).toBe(true);
    else expect(decision).toMatchObject({ allowed: false, code: role === null ? 'PROJECT_NOT_FOUND' : 'FORBIDDEN' });
  });

  it('tells a stranger that a task of the project does not exist, and a viewer why not', () => {
    expect(projectRule(null, 'writeTasks', 'task')).toMatchObject({ code: 'TASK_NOT_FOUND', reason: 'no such task' });
    expect(() => enforce(projectRule('viewer', 'writeTasks', 'task'))).toThrow(/viewers of a project cannot change its tasks/);
  });
});
