/**
 * Comments on tasks, with @mentions resolved among the project's members when written
 * (docs/projects-and-sharing.md). Each write is one statement with its event (`runStatement`).
 * Who may do what is the policy's (`projectRule`, `commentRule`): a refused read is "no such
 * task", a refused write on a task the caller sees is 403.
 */
import {
  DomainError,
  commentRule,
  enforce,
  mentionTokens,
  pendingEvent,
  projectRule,
  resolveMentions,
  type Comment,
  type CommentWritten,
  type EventType,
} from '@todo/domain';
import type { CommentTarget } from '@todo/storage';
import type { CallContext, Principal, ServiceDeps } from './deps.js';
import { parseTaskRef } from './task-fields.js';
import { UnitOfWork } from './unit-of-work.js';

export class CommentService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  async list(principal: Principal, ref: string, options: { limit: number; cursor?: string | undefined }) {
    const target = await this.target(principal.userId, ref);
    const after = options.cursor;
    if (after !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(after)) {
      throw DomainError.field('INVALID_CURSOR', 'cursor', 'not a cursor this list returned');
    }
    return this.deps.store.repos.comments.list(target.taskId, { limit: options.limit, after });
  }

  async create(ctx: CallContext, ref: string, body: string): Promise<CommentWritten> {
    const userId = ctx.principal.userId;
    const target = await this.target(userId, ref);
    enforce(projectRule(target.role, 'comment', 'task', target));
    const { ids, unresolved } = await this.mentions(target, body);
    const now = this.deps.clock.now().toISOString();
    const comment: Comment = {
      id: this.deps.ids.next(),
      taskId: target.taskId,
      authorId: userId,
      body,
      mentions: ids,
      createdAt: now,
      updatedAt: now,
    };
    await this.unitOfWork.runStatement(ctx, [this.event('todo.comment.created.v1', userId, target, comment)], (repos, events) =>
      repos.comments.insert(comment, events),
    );
    return { ...comment, unresolvedMentions: unresolved };
  }

  async update(ctx: CallContext, id: string, body: string): Promise<CommentWritten> {
    const userId = ctx.principal.userId;
    const { comment: before, target } = await this.find(userId, id);
    enforce(commentRule(target.role, 'edit', { own: before.authorId === userId }, target));
    const { ids, unresolved } = await this.mentions(target, body);
    const comment: Comment = { ...before, body, mentions: ids, updatedAt: this.deps.clock.now().toISOString() };
    const updated = await this.unitOfWork.runStatement(
      ctx,
      [this.event('todo.comment.updated.v1', userId, target, comment)],
      (repos, events) => repos.comments.update(comment, events),
    );
    if (!updated) throw notFound();
    return { ...comment, unresolvedMentions: unresolved };
  }

  async delete(ctx: CallContext, id: string): Promise<void> {
    const userId = ctx.principal.userId;
    const { comment, target } = await this.find(userId, id);
    enforce(commentRule(target.role, 'delete', { own: comment.authorId === userId }, target));
    const now = this.deps.clock.now();
    const deleted = await this.unitOfWork.runStatement(
      ctx,
      [this.event('todo.comment.deleted.v1', userId, target, comment)],
      (repos, events) => repos.comments.delete(comment.id, events, now),
    );
    if (!deleted) throw notFound();
  }

  /** The task if the caller may read it; otherwise it does not exist for them. */
  private async target(userId: string, ref: string): Promise<CommentTarget> {
    const target = await this.deps.store.repos.comments.target(userId, parseTaskRef(ref));
    enforce(projectRule(target?.role ?? null, 'read', 'task'));
    return target!;
  }

  private async find(userId: string, id: string) {
    const found = await this.deps.store.repos.comments.find(userId, id);
    if (!found) throw notFound();
    return found;
  }

  /** Mentions name members of the task's project tree only; other names stay plain text. */
  private async mentions(target: CommentTarget, body: string) {
    const tokens = mentionTokens(body);
    if (!tokens.length) return { ids: [], unresolved: [] };
    return resolveMentions(tokens, await this.deps.store.repos.comments.members(target.rootId));
  }

  private event(type: EventType & `todo.comment.${string}`, userId: string, target: CommentTarget, comment: Comment) {
    return pendingEvent(type, comment.taskId, {
      userId,
      actorId: userId,
      projectId: target.projectId,
      taskId: target.taskId,
      taskTitle: target.taskTitle,
      comment,
    });
  }
}

const notFound = () => new DomainError('NOT_FOUND', 'no such comment');
