/**
 * The activity history (docs/projects-and-sharing.md): `record` is the event subscription's
 * handler (idempotent on the event id); reads are per task or per project, for members only.
 */
import { DomainError, activityOf, enforce, projectRule, type CloudEvent } from '@todo/domain';
import { decodeActivityCursor } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';
import { parseTaskRef } from './task-fields.js';

export class ActivityService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  /** Adds the event's line to the history, once. False when it adds nothing (not shown, a redelivery, project gone). */
  async record(event: Pick<CloudEvent, 'id' | 'type' | 'time' | 'data'>): Promise<boolean> {
    const fact = activityOf(event);
    return fact ? this.deps.store.repos.activity.record(fact) : false;
  }

  async forTask(principal: Principal, ref: string, page: { limit: number; cursor?: string | undefined }) {
    const target = await this.deps.store.repos.comments.target(principal.userId, parseTaskRef(ref));
    enforce(projectRule(target?.role ?? null, 'read', 'task'));
    return this.deps.store.repos.activity.list({ taskId: target!.taskId }, { limit: page.limit, cursor: cursorOf(page.cursor) });
  }

  async forProject(principal: Principal, id: string, page: { limit: number; cursor?: string | undefined }) {
    const project = await this.deps.store.repos.projects.find(principal.userId, id);
    enforce(projectRule(project?.role ?? null, 'read'));
    return this.deps.store.repos.activity.list({ projectId: id }, { limit: page.limit, cursor: cursorOf(page.cursor) });
  }
}

function cursorOf(raw: string | undefined) {
  if (raw === undefined) return null;
  const cursor = decodeActivityCursor(raw);
  if (!cursor) throw DomainError.field('INVALID_CURSOR', 'cursor', 'not a cursor this list returned');
  return cursor;
}
