/**
 * Projects: the groups tasks live in and the unit of access (docs/decisions/0009-projects-and-sharing.md).
 * Every use case loads the caller's role in the project and asks the policy (`projectRule`).
 */
import {
  DomainError,
  MAX_PROJECT_DEPTH,
  enforce,
  pendingEvent,
  projectRule,
  type Project,
  type ProjectAction,
  type ProjectCreate,
  type ProjectPatch,
} from '@todo/domain';
import { isUniqueViolation, type Repositories } from '@todo/storage';
import type { CallContext, Principal, ServiceDeps } from './deps.js';
import { UnitOfWork } from './unit-of-work.js';

export class ProjectService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /** The caller's projects (their own and, later, those shared with them), with their role in each. */
  list(principal: Principal): Promise<Project[]> {
    return this.deps.store.repos.projects.list(principal.userId);
  }

  async get(principal: Principal, id: string): Promise<Project> {
    return this.allowed(this.deps.store.repos, principal.userId, id, 'read');
  }

  /** `id`: a CalDAV client's MKCALENDAR names the new calendar's URL, and so the project's id. */
  async create(ctx: CallContext, input: ProjectCreate, id: string = this.deps.ids.next()): Promise<Project> {
    const userId = ctx.principal.userId;
    const now = this.deps.clock.now();
    await this.guardName(() =>
      this.unitOfWork.run(ctx, async (repos, emit) => {
        let rootId = id;
        if (input.parentId) {
          const parent = await this.parentFor(repos, userId, input.parentId);
          if ((await repos.projects.ancestors(parent.id)).length + 2 > MAX_PROJECT_DEPTH) throw tooDeep();
          rootId = parent.rootId;
        }
        await repos.projects.insert({
          id,
          ownerId: userId,
          name: input.name,
          color: input.color,
          parentId: input.parentId,
          rootId,
          now,
        });
        emit(pendingEvent('todo.project.created.v1', id, { userId, projectId: id }));
      }),
    );
    return this.get(ctx.principal, id);
  }

  /**
   * Renaming, recolouring, nesting and archiving change the project for every member (owner
   * and admins); favourite and position are the caller's own sidebar (any member).
   */
  async update(ctx: CallContext, id: string, patch: ProjectPatch): Promise<Project> {
    const userId = ctx.principal.userId;
    const now = this.deps.clock.now();
    await this.guardName(() =>
      this.unitOfWork.run(ctx, async (repos, emit) => {
        const project = await this.allowed(repos, userId, id, 'read');
        const { favorite, position, archived, parentId, ...fields } = patch;
        if (favorite !== undefined || position !== undefined) {
          if (project.parentId !== null) {
            throw DomainError.field('VALIDATION_FAILED', 'favorite', 'favourites and order are kept for top-level projects');
          }
          await repos.projects.updateMember(project.id, userId, { favorite, position });
        }
        const changesProject = Object.values({ ...fields, archived, parentId }).some((v) => v !== undefined);
        if (!changesProject) return;
        enforce(projectRule(project.role, 'manage'));
        if (project.inbox && (parentId !== undefined || archived !== undefined || fields.name !== undefined)) {
          throw DomainError.field('VALIDATION_FAILED', 'id', 'the Inbox cannot be renamed, nested or archived');
        }
        if (parentId !== undefined && parentId !== project.parentId) await this.move(repos, userId, project, parentId, now);
        await repos.projects.update(project.id, {
          ...fields,
          ...(archived !== undefined
            ? { archivedAt: archived ? (project.archivedAt ? new Date(project.archivedAt) : now) : null }
            : {}),
          now,
        });
        emit(pendingEvent('todo.project.updated.v1', project.id, { userId, projectId: project.id }));
      }),
    );
    return this.get(ctx.principal, id);
  }

  /** Deletes the project, its sub-projects and all their tasks. The Inbox stays. */
  async delete(ctx: CallContext, id: string): Promise<void> {
    const userId = ctx.principal.userId;
    await this.unitOfWork.run(ctx, async (repos, emit) => {
      const project = await this.allowed(repos, userId, id, 'delete');
      if (project.inbox) throw DomainError.field('VALIDATION_FAILED', 'id', 'the Inbox cannot be deleted');
      await repos.sharing.touchMembers(project.rootId);
      await repos.projects.delete(project.id);
      emit(pendingEvent('todo.project.deleted.v1', project.id, { userId, projectId: project.id }));
    });
  }

  /** The project if the caller may do `action` with it: a stranger is told it does not exist, a member why not. */
  private async allowed(repos: Repositories, userId: string, id: string, action: ProjectAction): Promise<Project> {
    const project = await repos.projects.find(userId, id);
    enforce(projectRule(project?.role ?? null, action));
    return project!;
  }

  /** A parent must be a project the caller manages, and not an Inbox. */
  private async parentFor(repos: Repositories, userId: string, parentId: string): Promise<Project> {
    const parent = await repos.projects.find(userId, parentId);
    if (!parent) throw DomainError.field('PROJECT_NOT_FOUND', 'parentId', 'no such project');
    enforce(projectRule(parent.role, 'manage'));
    if (parent.inbox) throw DomainError.field('VALIDATION_FAILED', 'parentId', 'projects cannot be nested in the Inbox');
    return parent;
  }

  /** Nesting stays acyclic and at most MAX_PROJECT_DEPTH deep; moving between trees needs ownership of both. */
  private async move(repos: Repositories, userId: string, project: Project, parentId: string | null, now: Date) {
    if (parentId !== null) {
      const parent = await this.parentFor(repos, userId, parentId);
      const above = await repos.projects.ancestors(parent.id);
      if (parent.id === project.id || above.includes(project.id)) {
        throw DomainError.field('PARENT_CYCLE', 'parentId', 'a project cannot be nested in itself or in its own sub-project');
      }
      if (above.length + 1 + (await repos.projects.height(project.id)) + 1 > MAX_PROJECT_DEPTH) throw tooDeep();
      if (parent.rootId !== project.rootId) {
        enforce(projectRule(project.role, 'delete'));
        enforce(projectRule(parent.role, 'delete'));
      }
    } else {
      enforce(projectRule(project.role, 'delete'));
    }
    // The members of both trees see the project's tasks come or go.
    await repos.sharing.touchMembers(project.rootId);
    await repos.projects.move(project.id, parentId, userId, now);
    if (parentId !== null) await repos.sharing.touchMembers((await repos.projects.find(userId, parentId))!.rootId);
  }

  private async guardName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.field('NAME_TAKEN', 'name', 'you already have a project with this name');
      throw error;
    }
  }
}

const tooDeep = () =>
  DomainError.field('VALIDATION_FAILED', 'parentId', `projects nest ${MAX_PROJECT_DEPTH} levels deep at most`);
