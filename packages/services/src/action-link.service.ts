/**
 * Using the "Mark done" / "Snooze 1 hour" links of reminder emails, which work without a login.
 *
 * A link works once — the two links of one email share one id, so using either spends both —
 * and only on the task as it was when the email was sent: a used link answers LINK_USED
 * (410); a link whose task changed since (completed, reopened, edited, snoozed) answers
 * LINK_STALE (409). A link can therefore never complete a task again after a reopen, nor
 * snooze without limit, nor act on a completed task. Whoever holds the link acts as its
 * user, on that one task only.
 */
import { DomainError, isDomainError, type Task } from '@todo/domain';
import type { CallContext, ServiceDeps } from './deps.js';
import type { ActionTokens, VerifiedAction } from './security/action-tokens.js';
import type { TaskService } from './task.service.js';

const SNOOZE_MS = 60 * 60_000;

export interface ActionOutcome {
  action: VerifiedAction['action'];
  task: Task;
}

export class ActionLinkService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock'>,
    private readonly links: Pick<ActionTokens, 'verify'>,
    private readonly tasks: Pick<TaskService, 'get' | 'complete' | 'snoozeReminder'>,
  ) {}

  /** What the link would do, for the confirmation page; changes nothing (mail scanners prefetch links). */
  async preview(token: string): Promise<ActionOutcome> {
    const { claims, task } = await this.usable(token);
    return { action: claims.action, task };
  }

  /** Does what the link says, once. */
  async redeem(token: string): Promise<ActionOutcome> {
    const { claims } = await this.usable(token);
    const { actionLinks } = this.deps.store.repos;
    const now = this.deps.clock.now();
    // Claimed before acting, so two clicks racing each other act once.
    if (!(await actionLinks.claim({ id: claims.linkId, userId: claims.userId, usedAt: now, expiresAt: claims.expiresAt }))) {
      throw used();
    }
    await actionLinks.deleteExpired(now);
    const ctx: CallContext = { principal: { userId: claims.userId, scopes: ['read', 'write'], via: 'token' } };
    try {
      const task =
        claims.action === 'done'
          ? await this.tasks.complete(ctx, claims.taskId)
          : await this.tasks.snoozeReminder(ctx, claims.taskId, claims.reminderId, new Date(now.getTime() + SNOOZE_MS));
      return { action: claims.action, task };
    } catch (error) {
      // A refusal means the task moved on and the link is spent; anything else may be retried.
      if (!isDomainError(error)) await actionLinks.release(claims.linkId);
      throw error;
    }
  }

  private async usable(token: string): Promise<{ claims: VerifiedAction; task: Task }> {
    const claims = await this.links.verify(token);
    if (await this.deps.store.repos.actionLinks.isUsed(claims.linkId)) throw used();
    const task = await this.tasks.get({ userId: claims.userId, scopes: ['read'], via: 'token' }, claims.taskId);
    if (task.status === 'completed') {
      throw new DomainError('LINK_STALE', `#${task.number} is already done, so this link no longer applies`);
    }
    if (Date.parse(task.updatedAt) !== Date.parse(claims.taskVersion)) {
      throw new DomainError('LINK_STALE', `#${task.number} changed after this email was sent; open the app to act on it`);
    }
    return { claims, task };
  }
}

const used = () => new DomainError('LINK_USED', 'this link was already used; each link in a reminder email works once');
