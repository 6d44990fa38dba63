/**
 * Invitations into a project, by email (docs/projects-and-sharing.md). Inviting never tells
 * whether an address has an account: the answer, the work done (no account is looked up) and
 * the mail are the same either way; whoever holds the address — now, or after signing up or
 * confirming it — sees the invitation and accepts or declines it.
 */
import {
  DomainError,
  INVITATION_TTL_MS,
  MAX_PROJECT_MEMBERS,
  pendingEvent,
  type Invitation,
  type InvitationCreate,
  type Project,
} from '@todo/domain';
import type { CallContext, Principal, ServiceDeps } from '../deps.js';
import type { EmailConfirmationService } from '../email-confirmation.service.js';
import { UnitOfWork } from '../unit-of-work.js';
import { sharedRoot } from './shared-root.js';

const notFound = () => new DomainError('INVITATION_NOT_FOUND', 'no such invitation (it may have expired or been revoked)');

export class InvitationService {
  private readonly unitOfWork: UnitOfWork;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly mail: Pick<EmailConfirmationService, 'countInvitation' | 'mailInvitation' | 'publicUrl'>,
  ) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /** Invites `email` (or refreshes its pending invitation: new role, new expiry, mailed again). */
  async invite(ctx: CallContext, projectId: string, input: InvitationCreate): Promise<Invitation> {
    const userId = ctx.principal.userId;
    const email = input.email.toLowerCase();
    const now = this.deps.clock.now();
    const invitation = await this.deps.store.transaction(async (repos) => {
      const project = await sharedRoot(repos, userId, projectId, 'invite');
      const me = await repos.users.findById(userId);
      if (me?.email.toLowerCase() === email) {
        throw DomainError.field('SELF_INVITE', 'email', 'you are a member of this project already');
      }
      if (await repos.sharing.isMemberByEmail(project.id, email)) {
        throw DomainError.field('ALREADY_MEMBER', 'email', 'this address belongs to a member of the project already');
      }
      await repos.sharing.deleteExpiredInvitations(now);
      const pending = (await repos.sharing.pendingFor(project.id, now)).some((i) => i.email === email);
      if (!pending && (await repos.sharing.seats(project.id, now)) >= MAX_PROJECT_MEMBERS) {
        throw new DomainError(
          'TOO_MANY_MEMBERS',
          `a project has at most ${MAX_PROJECT_MEMBERS} members and pending invitations; remove some first`,
        );
      }
      this.mail.countInvitation(userId);
      return repos.sharing.upsertInvitation({
        id: this.deps.ids.next(),
        projectId: project.id,
        email,
        role: input.role,
        invitedBy: userId,
        now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
    });
    this.mail.mailInvitation({
      kind: 'project-invitation',
      to: email,
      invitedBy: invitation.invitedBy,
      projectName: invitation.projectName,
      role: invitation.role,
      url: `${this.mail.publicUrl}/`,
      expiresAt: new Date(invitation.expiresAt),
    });
    return invitation;
  }

  /** The project's pending invitations (owner and admins). */
  async pending(principal: Principal, projectId: string): Promise<Invitation[]> {
    return this.deps.store.transaction(async (repos) => {
      const project = await sharedRoot(repos, principal.userId, projectId, 'invite');
      return repos.sharing.pendingFor(project.id, this.deps.clock.now());
    });
  }

  async revoke(principal: Principal, projectId: string, invitationId: string): Promise<void> {
    await this.deps.store.transaction(async (repos) => {
      const project = await sharedRoot(repos, principal.userId, projectId, 'invite');
      if (!(await repos.sharing.deleteInvitation(invitationId, project.id))) throw notFound();
    });
  }

  /** The invitations waiting for the caller's answer. */
  mine(principal: Principal): Promise<Invitation[]> {
    return this.deps.store.repos.sharing.invitationsOf(principal.userId, this.deps.clock.now());
  }

  /** Joins the project with the invitation's role; the invitation is used up. */
  async accept(ctx: CallContext, invitationId: string): Promise<Project> {
    const userId = ctx.principal.userId;
    const now = this.deps.clock.now();
    const projectId = await this.unitOfWork.run(ctx, async (repos, emit) => {
      const [invitation] = await repos.sharing.invitationsOf(userId, now, invitationId);
      if (!invitation) throw notFound();
      await repos.sharing.deleteInvitation(invitation.id);
      if ((await repos.sharing.roleOf(invitation.projectId, userId)) === null) {
        await repos.projects.addMember(invitation.projectId, userId, invitation.role, now);
        await repos.sharing.touch(userId);
        emit(
          pendingEvent('todo.member.added.v1', invitation.projectId, {
            userId,
            projectId: invitation.projectId,
            memberId: userId,
            role: invitation.role,
          }),
        );
      }
      return invitation.projectId;
    });
    return (await this.deps.store.repos.projects.find(userId, projectId))!;
  }

  async decline(principal: Principal, invitationId: string): Promise<void> {
    const [invitation] = await this.deps.store.repos.sharing.invitationsOf(principal.userId, this.deps.clock.now(), invitationId);
    if (!invitation || !(await this.deps.store.repos.sharing.deleteInvitation(invitation.id))) throw notFound();
  }
}
