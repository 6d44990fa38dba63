/**
 * Reminders from scheduling to emission. The notifier role asks when each reminder of a task
 * should fire (`plan`), and when a job fires, emits `todo.reminder.due.v1` only if the reminder
 * is still due as scheduled (`emitIfStillDue`), recording the emission in the same transaction.
 * `reconcile` emits what came due without a notification — a task event or a job trigger lost
 * on the way (docs/operations.md §12) — late rather than never. The mailer asks what to send
 * (`forDelivery`). Scheduling itself (the JobScheduler) and the one-email ledger stay with the
 * roles: they are transports, not decisions.
 */
import { pendingEvent, reminderFireAt, type Task } from '@todo/domain';
import type { ServiceDeps } from './deps.js';
import { UnitOfWork } from './unit-of-work.js';

/** One occurrence of one reminder, as a scheduled job carries it. */
export interface ReminderOccurrence {
  userId: string;
  taskId: string;
  reminderId: string;
  /** ISO instant; together with `reminderId`, the occurrence's identity. */
  fireAt: string;
}

/** When a reminder should fire; `null`: it should not be scheduled (cancel any job it has). */
export interface ReminderPlan {
  reminderId: string;
  fireAt: Date | null;
}

/** A reminder the reconciliation found due without a notification, and what it did about it. */
export type ReconciledReminder = ReminderOccurrence & {
  outcome: 'emitted' | 'no-longer-due' | 'failed';
  latenessMs?: number;
  reason?: string;
};

/** A reminder lost for longer than this is past helping: the reconciliation leaves it. */
export const RECONCILE_HORIZON_MS = 60 * 60 * 1000;

/** A reminder whose time passed more than this long ago is not sent late when (re)scheduled. */
const LATE_LIMIT_MS = 60_000;

export class ReminderService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /** When each reminder of the task should fire now; every reminder of a completed task is cancelled. */
  async plan(userId: string, task: Task): Promise<ReminderPlan[]> {
    if (task.status === 'completed') return task.reminders.map((r) => ({ reminderId: r.id, fireAt: null }));
    // Most tasks have no reminder: nothing to schedule, and no need to look up the owner's zone.
    if (!task.reminders.length) return [];
    const owner = await this.deps.store.repos.users.findById(userId);
    if (!owner) return [];
    const now = this.deps.clock.now().getTime();
    return task.reminders.map((reminder) => {
      const fireAt = reminderFireAt(reminder, task, owner);
      return { reminderId: reminder.id, fireAt: fireAt && fireAt.getTime() >= now - LATE_LIMIT_MS ? fireAt : null };
    });
  }

  /**
   * Emits the reminder if it is still due as the job says (the task may have been completed,
   * deleted or rescheduled since), with a record of the emission in the same transaction.
   * Resolves to how late (ms) it was emitted after its time, or null when it was not.
   */
  async emitIfStillDue({ userId, taskId, reminderId, fireAt }: ReminderOccurrence): Promise<number | null> {
    const found = await this.deps.store.repos.tasks.findWithOwner(userId, taskId);
    const reminder = found?.task.reminders.find((r) => r.id === reminderId);
    if (!found || !reminder || found.task.status === 'completed') return null;
    const { task, owner } = found;
    if (reminderFireAt(reminder, task, owner)?.toISOString() !== fireAt) return null;
    // The emission's record and its event in one statement: atomic, and one round trip.
    const push = owner.hasPushDevices ? { push: true as const } : {};
    const event = pendingEvent('todo.reminder.due.v1', taskId, { userId, taskId, reminderId, fireAt, ...push });
    await this.unitOfWork.runStatement({}, [event], (repos, events) =>
      repos.reminders.markEmittedWithEvents(reminderId, new Date(fireAt), this.deps.clock.now(), events),
    );
    return this.deps.clock.now().getTime() - new Date(fireAt).getTime();
  }

  /**
   * Emits the reminders that came due more than `graceMs` (default 2 min) and less than
   * `RECONCILE_HORIZON_MS` ago without a notification, and not emitted within `graceMs`.
   * Safe on every replica at once: the mailer sends each occurrence once whatever arrives.
   */
  async reconcile(options: { graceMs?: number; limit?: number } = {}): Promise<ReconciledReminder[]> {
    const { graceMs = 120_000, limit = 100 } = options;
    const now = this.deps.clock.now().getTime();
    const lost = await this.deps.store.repos.reminders.unnotified({
      after: new Date(now - RECONCILE_HORIZON_MS),
      before: new Date(now - graceMs),
      emittedBefore: new Date(now - graceMs),
      limit,
    });
    const reconciled: ReconciledReminder[] = [];
    // One reminder that cannot be emitted must not hold back the others behind it.
    for (const r of lost) {
      const occurrence = { userId: r.userId, taskId: r.taskId, reminderId: r.reminderId, fireAt: r.fireAt.toISOString() };
      try {
        const latenessMs = await this.emitIfStillDue(occurrence);
        // Not due any more: completed or changed since the query — or due at another time by the domain's rule.
        reconciled.push(
          latenessMs === null ? { ...occurrence, outcome: 'no-longer-due' } : { ...occurrence, outcome: 'emitted', latenessMs },
        );
      } catch (error) {
        reconciled.push({ ...occurrence, outcome: 'failed', reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return reconciled;
  }

  /**
   * What a reminder email is made of: the task and its owner's address, name and zone — or
   * null when there is nothing to send (the task is gone or done, or its owner is).
   */
  async forDelivery(
    userId: string,
    taskId: string,
  ): Promise<{ task: Task; owner: { email: string; name: string | null; timeZone: string } } | null> {
    const found = await this.deps.store.repos.tasks.findWithOwner(userId, taskId);
    if (!found || found.task.status === 'completed') return null;
    const { task, owner } = found;
    return { task, owner: { email: owner.email, name: owner.name, timeZone: owner.timeZone } };
  }
}
