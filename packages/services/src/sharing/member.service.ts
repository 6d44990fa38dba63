/**
 * The members of a project tree: who they are, their roles, removing them, leaving, and
 * handing the project over (docs/projects-and-sharing.md). Every decision is the policy's
 * (`projectRule`, `memberRule`). A member who goes loses the tree at once: their assigned tasks
 * in it are unassigned (the tasks they created stay), their lists change.
 */
import { DomainError, enforce, memberRule, pendingEvent, type Member, type MemberRole } from '@todo/domain';
import type { Repositories } from '@todo/storage';
import type { CallContext, Principal, ServiceDeps } from '../deps.js';
import { UnitOfWork } from '../unit-of-work.js';
import { projectFor, sharedRoot } from './shared-root.js';

const noSuchMember = () => DomainError.field('NOT_FOUND', 'userId', 'no such member of this project');

export class MemberService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /** Any member may see who else is in the tree (a sub-project answers with its top-level project's members). */
  async list(principal: Principal, projectId: string): Promise<Member[]> {
    const project = await projectFor(this.deps.store.repos, principal.userId, projectId, 'read');
    return this.deps.store.repos.sharing.members(project.rootId);
  }

  async setRole(ctx: CallContext, projectId: string, memberId: string, role: MemberRole): Promise<Member[]> {
    const userId = ctx.principal.userId;
    const rootId = await this.unitOfWork.run(ctx, async (repos, emit) => {
      const project = await sharedRoot(repos, userId, projectId, 'manageMembers');
      const target = await this.memberOf(repos, project.id, memberId);
      enforce(memberRule(project.role, target, role));
      if (target === role) return project.id;
      await repos.sharing.setRole(project.id, memberId, role);
      emit(pendingEvent('todo.member.updated.v1', project.id, { userId, projectId: project.id, memberId, role }));
      return project.id;
    });
    return this.deps.store.repos.sharing.members(rootId);
  }

  /** Removes a member (owner and admins), or the caller themself: leaving (any member but the owner). */
  async remove(ctx: CallContext, projectId: string, memberId: string | 'me'): Promise<void> {
    const userId = ctx.principal.userId;
    const leaving = memberId === 'me' || memberId === userId;
    await this.unitOfWork.run(ctx, async (repos, emit) => {
      const project = await sharedRoot(repos, userId, projectId, leaving ? 'leave' : 'manageMembers');
      const who = leaving ? userId : memberId;
      const target = await this.memberOf(repos, project.id, who);
      if (!leaving) enforce(memberRule(project.role, target, 'remove'));
      await repos.sharing.removeMember(project.id, who);
      emit(pendingEvent('todo.member.removed.v1', project.id, { userId, projectId: project.id, memberId: who, role: target }));
    });
  }

  /** Hands the project to another member: they become its owner, the caller an admin. */
  async transfer(ctx: CallContext, projectId: string, memberId: string): Promise<Member[]> {
    const userId = ctx.principal.userId;
    const rootId = await this.unitOfWork.run(ctx, async (repos, emit) => {
      const project = await sharedRoot(repos, userId, projectId, 'transfer');
      if (memberId === userId) throw DomainError.field('VALIDATION_FAILED', 'userId', 'you own this project already');
      await this.memberOf(repos, project.id, memberId);
      await repos.sharing.setRole(project.id, memberId, 'owner');
      await repos.sharing.setRole(project.id, userId, 'admin');
      const base = { userId, projectId: project.id };
      emit(pendingEvent('todo.member.updated.v1', project.id, { ...base, memberId, role: 'owner' }));
      emit(pendingEvent('todo.member.updated.v1', project.id, { ...base, memberId: userId, role: 'admin' }));
      return project.id;
    });
    return this.deps.store.repos.sharing.members(rootId);
  }

  /**
   * Who is told of a change in project `projectId` as it happens: its tree's members now, looked
   * up at delivery (a removed member's open stream stops receiving the project at once); null
   * when the project is gone.
   */
  audience(projectId: string): Promise<string[] | null> {
    return this.deps.store.repos.sharing.audience(projectId);
  }

  private async memberOf(repos: Repositories, rootId: string, memberId: string) {
    const role = await repos.sharing.roleOf(rootId, memberId);
    if (role === null) throw noSuchMember();
    return role;
  }
}
