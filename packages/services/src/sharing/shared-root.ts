/**
 * Sharing acts on a project tree through its top-level project (members live there,
 * docs/decisions/0009-projects-and-sharing.md). Loads the project as the caller sees it and asks
 * the policy; a sub-project is answered with where to go instead, the Inbox with a refusal.
 */
import { DomainError, enforce, projectRule, type Project, type ProjectAction } from '@todo/domain';
import type { Repositories } from '@todo/storage';

export async function projectFor(repos: Repositories, userId: string, id: string, action: ProjectAction): Promise<Project> {
  const project = await repos.projects.find(userId, id);
  enforce(projectRule(project?.role ?? null, action));
  return project!;
}

/** The top-level, shareable project `id`, if the caller may do `action` with it. */
export async function sharedRoot(repos: Repositories, userId: string, id: string, action: ProjectAction): Promise<Project> {
  const project = await projectFor(repos, userId, id, action);
  if (project.inbox) throw DomainError.field('VALIDATION_FAILED', 'id', 'the Inbox is yours alone and cannot be shared');
  if (project.parentId !== null) {
    throw DomainError.field(
      'VALIDATION_FAILED',
      'id',
      `a sub-project shares the members of its top-level project: use /api/projects/${project.rootId} instead`,
    );
  }
  return project;
}
