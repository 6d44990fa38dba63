/**
 * Who may do what: every authorization decision, in one place. Each rule takes what it needs
 * to know about the caller (and, where it matters, about the resource) and answers allowed, or
 * refused with the error the caller gets. The edges (REST, MCP, chat, CLI) and the services
 * ask here and enforce the answer; none decides by itself.
 *
 * Projects are the unit of access (docs/decisions/0009-projects-and-sharing.md): what a caller
 * may do with a project and its tasks follows from their role in it (`projectRule`), and a
 * caller who is no member (role `null`) is told the project or task does not exist, so its
 * existence is not disclosed (docs/security.md). Rows outside projects (tokens, tags) are
 * scoped to the caller's id.
 */
import { DomainError, type ErrorCode, type FieldIssue } from './errors.js';
import type { TokenScope } from './schemas.js';
import type { ProjectRole } from './projects/project.schema.js';

/** What can be done with a project and its tasks. */
export const PROJECT_ACTIONS = [
  'read',
  'writeTasks',
  'comment',
  'editOwnComment',
  'deleteAnyComment',
  'assign',
  'manage',
  'invite',
  'manageMembers',
  'transfer',
  'leave',
  'delete',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/**
 * Who may do what, as a table (docs/projects-and-sharing.md shows it to users): read the project
 * and its tasks; create, edit, complete and delete its tasks; assign them to members; rename,
 * recolour, nest, archive it; invite people; change members' roles and remove members; hand
 * it over; leave it (the owner hands it over first); delete it.
 */
const PROJECT_TABLE: Record<ProjectAction, readonly ProjectRole[]> = {
  read: ['owner', 'admin', 'editor', 'viewer'],
  writeTasks: ['owner', 'admin', 'editor'],
  // Viewers comment, and edit or delete their own comments, only where the project lets them
  // (`commentsByViewers`): see projectRule.
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

const PROJECT_REFUSAL: Record<ProjectAction, string> = {
  read: 'no such project',
  writeTasks: 'viewers of a project cannot change its tasks',
  comment: 'viewers of this project cannot comment',
  editOwnComment: 'viewers of this project cannot comment',
  deleteAnyComment: 'only the owner and admins of a project can delete the comments of others',
  assign: 'viewers of a project cannot assign its tasks',
  manage: 'only the owner and admins of a project can change it',
  invite: 'only the owner and admins of a project can invite people to it',
  manageMembers: 'only the owner and admins of a project can change its members',
  transfer: 'only the owner of a project can hand it over',
  leave: 'the owner cannot leave a project: transfer it to another member first',
  delete: 'only the owner of a project can delete it',
};

/** The caller, as far as authorization cares. */
export interface Caller {
  readonly scopes: readonly TokenScope[];
  readonly via: 'session' | 'token';
  /** The calling token (when `via` is 'token'). */
  readonly tokenId?: string | undefined;
  /** When the calling token expires; null: never. */
  readonly tokenExpiresAt?: Date | null | undefined;
}

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: ErrorCode; readonly reason: string; readonly issues?: readonly FieldIssue[] };

const ALLOWED: Decision = { allowed: true };

/** Tasks one import may create (docs/import-export.md): larger accounts import in several files. */
export const MAX_IMPORT_TASKS = 50_000;

/** Devices one user may receive push reminders on. */
export const MAX_PUSH_DEVICES = 20;
const refuse = (code: ErrorCode, reason: string, field?: string): Decision => ({
  allowed: false,
  code,
  reason,
  ...(field ? { issues: [{ field, message: reason }] } : {}),
});

/** Throws the refusal as the error the caller gets. */
export function enforce(decision: Decision): void {
  if (!decision.allowed) throw new DomainError(decision.code, decision.reason, decision.issues ?? []);
}

/**
 * `role`: the caller's role in the project (of its top-level project), null for none. A
 * non-member is refused everything as not found (404), a member refused a write as
 * forbidden (403): they can see the project already.
 */
export function projectRule(
  role: ProjectRole | null,
  action: ProjectAction,
  what: 'project' | 'task' | 'comment' = 'project',
  project: { readonly commentsByViewers?: boolean } = {},
): Decision {
  if (role === null) return refuse(NOT_FOUND[what], `no such ${what}`);
  if (role === 'viewer' && project.commentsByViewers && COMMENTING.has(action)) return ALLOWED;
  return PROJECT_TABLE[action].includes(role) ? ALLOWED : refuse('FORBIDDEN', PROJECT_REFUSAL[action]);
}

const NOT_FOUND = { project: 'PROJECT_NOT_FOUND', task: 'TASK_NOT_FOUND', comment: 'NOT_FOUND' } as const;
const COMMENTING: ReadonlySet<ProjectAction> = new Set(['comment', 'editOwnComment']);

/**
 * Editing a comment is for its author (while they may comment); deleting one is for its author
 * too, or for the project's owner and admins, whoever wrote it.
 */
export function commentRule(
  role: ProjectRole | null,
  action: 'edit' | 'delete',
  comment: { readonly own: boolean },
  project: { readonly commentsByViewers?: boolean } = {},
): Decision {
  if (role === null) return projectRule(role, 'read', 'comment');
  if (comment.own) return projectRule(role, 'editOwnComment', 'comment', project);
  if (action === 'delete') return projectRule(role, 'deleteAnyComment', 'comment', project);
  return refuse('FORBIDDEN', 'only its author can edit a comment');
}

/**
 * Changing another member (a new role, or removal) takes `manageMembers`, and more: nobody but a
 * transfer makes or unmakes the owner, and an admin may change editors, viewers and admins but
 * never the owner. `change`: the new role, or 'remove'.
 */
export function memberRule(callerRole: ProjectRole | null, targetRole: ProjectRole, change: ProjectRole | 'remove'): Decision {
  const manage = projectRule(callerRole, 'manageMembers');
  if (!manage.allowed) return manage;
  if (targetRole === 'owner') return refuse('FORBIDDEN', 'the owner stays the owner until they transfer the project');
  if (change === 'owner') return refuse('FORBIDDEN', 'ownership changes hands only by a transfer', 'role');
  return ALLOWED;
}

export const policy = {
  project: projectRule,
  comment: commentRule,
  member: memberRule,

  /**
   * Reading needs the `read` scope, changing anything the `write` scope. Sessions hold both;
   * tokens hold what they were made with.
   */
  access(caller: Caller, needs: TokenScope, what = 'this request'): Decision {
    if (caller.scopes.includes(needs)) return ALLOWED;
    return refuse(
      'INSUFFICIENT_SCOPE',
      needs === 'write'
        ? `${what} changes data and this credential only has the scopes [${caller.scopes.join(', ')}]; use a token with ["read","write"]`
        : `this credential lacks the "read" scope`,
    );
  },

  /** The instance's administration (dead letters, …): administrators only. */
  administer(user: { readonly isAdmin: boolean }): Decision {
    return user.isAdmin ? ALLOWED : refuse('FORBIDDEN', 'administrators only');
  },

  /**
   * A token never holds more than the credential that makes it: no scope the caller lacks and,
   * when a token makes it, no later expiry than that token's own.
   */
  mintToken(caller: Caller, wanted: { readonly scopes: readonly TokenScope[]; readonly expiresAt: Date | null }): Decision {
    const extra = wanted.scopes.filter((scope) => !caller.scopes.includes(scope));
    if (extra.length) {
      return refuse('INSUFFICIENT_SCOPE', `the credential making this request lacks the ${extra.join(', ')} scope`, 'scopes');
    }
    const limit = caller.via === 'token' ? (caller.tokenExpiresAt ?? null) : null;
    if (limit && (!wanted.expiresAt || wanted.expiresAt > limit)) {
      return refuse(
        'VALIDATION_FAILED',
        `must be set, and no later than ${limit.toISOString()}, when the token making this request expires`,
        'expiresAt',
      );
    }
    return ALLOWED;
  },

  /**
   * A session may revoke any of its user's tokens; a token only itself and the tokens made
   * from it. `lineage`: the token to revoke and the tokens it was made from, up to the first.
   */
  revokeToken(caller: Caller, lineage: readonly string[]): Decision {
    if (caller.via === 'session') return ALLOWED;
    if (caller.tokenId && lineage.includes(caller.tokenId)) return ALLOWED;
    return refuse('FORBIDDEN', 'a token may revoke only itself and the tokens it created; sign in to revoke others');
  },

  /**
   * The server calls a webhook's URL on the user's behalf: an address inside the operator's
   * network (loopback, private, link-local, …) would let any user reach what only the server
   * can, unless the operator allows it (WEBHOOK_ALLOW_PRIVATE_TARGETS). `internal`: why the
   * resolved address is internal, or null when it is public.
   */
  reachWebhookTarget(target: { readonly internal: string | null }, operatorAllowsInternal: boolean): Decision {
    if (!target.internal || operatorAllowsInternal) return ALLOWED;
    return refuse(
      'WEBHOOK_TARGET_REFUSED',
      `the host resolves to ${target.internal}; webhooks go to public addresses only`,
      'url',
    );
  },

  /**
   * A calendar feed's URL reads its owner's dated tasks until it is revoked, and never expires:
   * a token that expires may not make one, which would outlive it.
   */
  createCalendarFeed(caller: Caller): Decision {
    if (caller.via === 'token' && caller.tokenExpiresAt) {
      return refuse(
        'FORBIDDEN',
        'a calendar feed does not expire, so a token that does cannot create one; sign in, or use a token without expiry',
      );
    }
    return ALLOWED;
  },

  /**
   * The server sends an HTTP request to whatever endpoint a browser registers, so a user could
   * otherwise make it call any address, internal ones included. Only the push services the
   * operator allows (PUSH_SERVICES: origins, or `https://*.domain` for a domain's hosts) may be
   * named; the major browsers' services are the default.
   */
  pushEndpoint(endpoint: string, allowed: readonly string[]): Decision {
    const url = new URL(endpoint);
    const permitted = allowed.some((entry) => {
      const wildcard = /^https:\/\/\*\.(.+)$/.exec(entry);
      if (wildcard) return url.protocol === 'https:' && url.port === '' && url.hostname.endsWith(`.${wildcard[1]}`);
      return url.origin === entry;
    });
    return permitted
      ? ALLOWED
      : refuse('VALIDATION_FAILED', `${url.origin} is not a push service this server sends to (PUSH_SERVICES)`, 'endpoint');
  },

  /**
   * An import writes many tasks at once: bounded per file, so that one upload cannot hold the
   * write path for long. Tasks land only in projects the caller may write to (`projectRule`).
   */
  importFile(file: { readonly tasks: number }): Decision {
    if (file.tasks <= MAX_IMPORT_TASKS) return ALLOWED;
    return refuse('IMPORT_TOO_LARGE', `the file has ${file.tasks} tasks; one import takes at most ${MAX_IMPORT_TASKS}: split it`);
  },

  /**
   * Each reminder is sent to every device of its user, so a user's devices are bounded: one
   * account cannot turn the server into a sender of many requests per reminder. A browser
   * already registered may always register again (a new key pair, the same device).
   */
  addPushDevice(devices: { readonly count: number; readonly includesThisOne: boolean }): Decision {
    if (devices.includesThisOne || devices.count < MAX_PUSH_DEVICES) return ALLOWED;
    return refuse('TOO_MANY_DEVICES', `at most ${MAX_PUSH_DEVICES} devices get reminders; remove one in Settings first`);
  },
};
