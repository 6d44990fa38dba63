/**
 * Creates the next occurrence of a recurring task when one is completed — exactly once: the
 * (series_id, occurrence_index) unique key turns a duplicate delivery into a no-op. A reopen
 * takes the next occurrence back (task-undo.ts); one arriving before this role made it wins:
 * the write makes it only while the occurrence is still completed (task-write.statement.ts).
 */
import {
  DomainError,
  assertRepeatsBeforeUntil,
  assertTimeZone,
  dueAnchor,
  dueFromAnchor,
  firstOccurrenceOnOrAfter,
  instantToLocal,
  nextOccurrence,
  normalizeRecurrence,
  pendingEvent,
  previewOccurrences,
  resolveDue,
  todayIn,
  type Task,
} from '@todo/domain';
import { isUniqueViolation, taskFromRow, type ReminderWrite } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';
import { reminderJson } from './task-fields.js';
import { UnitOfWork, type PendingTaskWrite } from './unit-of-work.js';

export type NextOccurrenceResult =
  | { outcome: 'created'; task: Task }
  | { outcome: 'already-created' }
  | { outcome: 'series-ended' }
  | { outcome: 'not-recurring' }
  /** Reopened before its next occurrence was made: there is none to make. */
  | { outcome: 'reopened' };

type Unchanged = Exclude<NextOccurrenceResult, { outcome: 'created' }>;

/** A completion the reconciliation found unhandled, and what handling it did (`failed`: tried again next time). */
export type ReconciledCompletion = (NextOccurrenceResult | { outcome: 'failed'; reason: string }) & {
  taskId: string;
  userId: string;
};

export interface PreviewRequest {
  rule: string;
  /** Series anchor: a date or local date-time; default the rule's first date from today on. */
  start?: string | undefined;
  /** Default: the user's zone. */
  timeZone?: string | undefined;
  count: number;
}

export interface Preview {
  rule: string;
  text: string;
  timeZone: string;
  occurrences: string[];
}

export class RecurrenceService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /**
   * A rule normalised, described and expanded. Without `start` the series starts where one begun
   * today would: today when the rule produces today, else its first date after today.
   */
  async preview(principal: Principal, request: PreviewRequest): Promise<Preview> {
    const user = await this.deps.store.repos.users.findById(principal.userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    const timeZone = request.timeZone ? assertTimeZone(request.timeZone, 'timeZone') : user.timeZone;
    const { rule, text } = normalizeRecurrence(request.rule, 'rule');
    const today = todayIn(timeZone, this.deps.clock.now().toISOString());
    const start = request.start ?? firstOccurrenceOnOrAfter(rule, today) ?? today;
    // As a task with this rule and due would be refused, so is its preview.
    assertRepeatsBeforeUntil(rule, start, timeZone, 'rule');
    return { rule, text, timeZone, occurrences: previewOccurrences({ rule, start, timeZone, count: request.count }) };
  }

  async createNext(userId: string, completed: Task, ctx: { traceparent?: string } = {}): Promise<NextOccurrenceResult> {
    const { repos } = this.deps.store;
    const found = await repos.tasks.findSeriesRow(userId, completed.id);
    // Use what is stored now, not the event's snapshot: the rule may have been edited since.
    const row = found?.task;
    if (!found) return { outcome: 'not-recurring' };
    if (!row?.recurrenceRule || !row.repeatFrom || !row.seriesId || !row.dueDate) return this.handled(completed, 'not-recurring');
    if (!row.completedAt) return { outcome: 'reopened' };
    const zone = row.dueZone ?? found.timeZone;
    const current = dueAnchor(row)!;
    const index = row.occurrenceIndex ?? 0;
    const completedAt = row.completedAt;
    const next = nextOccurrence({
      rule: row.recurrenceRule,
      seriesStart: row.seriesStart ?? current,
      current,
      occurrenceIndex: index,
      repeatFrom: row.repeatFrom,
      completedOn: instantToLocal(completedAt.toISOString(), zone).date,
      timeZone: zone,
    });
    if (!next) return this.handled(completed, 'series-ended');

    const due = resolveDue(dueFromAnchor(next, row.dueZone), found.timeZone);
    const shift = due.dueAt!.getTime() - row.dueAt!.getTime();
    const now = this.deps.clock.now();
    const id = this.deps.ids.next();
    const reminders: ReminderWrite[] = completed.reminders.map((r) =>
      r.type === 'relative'
        ? { id: this.deps.ids.next(), kind: 'relative', minutesBefore: r.minutesBefore, at: null }
        : { id: this.deps.ids.next(), kind: 'absolute', minutesBefore: null, at: new Date(new Date(r.at).getTime() + shift) },
    );
    const nextRow = {
      ...row,
      id,
      number: null,
      projectNumber: null,
      completedAt: null,
      ...due,
      occurrenceIndex: index + 1,
      // A client's UID names the completed occurrence; the next one is the app's (its extras go with the series).
      icalUid: null,
      icalName: null,
      createdAt: now,
      updatedAt: now,
    };
    // The next task and its checklist, every item open again, in one statement with their events:
    // a duplicate delivery fails on the series key and writes none of it, numbers included.
    const task = taskFromRow({ ...nextRow, number: 0, projectNumber: 0 }, completed.tags, reminderJson(reminders)); // number filled in by the write
    const tags = completed.tags.map((name) => ({ id: this.deps.ids.next(), name }));
    const writes: PendingTaskWrite[] = [
      {
        op: 'insert',
        row: nextRow,
        tags,
        reminders,
        follows: completed.id,
        events: [pendingEvent('todo.task.created.v1', id, { userId, task })],
      },
      ...found.subtasks.map((sub): PendingTaskWrite => {
        const subRow = {
          ...EMPTY_TASK,
          id: this.deps.ids.next(),
          userId,
          ...sub,
          projectId: row.projectId,
          parentId: id,
          createdAt: now,
          updatedAt: now,
        };
        const subTask = taskFromRow({ ...subRow, number: 0, projectNumber: 0 }, [], []);
        return {
          op: 'insert',
          row: subRow,
          tags: [],
          reminders: [],
          follows: completed.id,
          events: [pendingEvent('todo.task.created.v1', subRow.id, { userId, task: subTask })],
        };
      }),
    ];
    try {
      const [stored] = await this.unitOfWork.writeTasks(ctx, writes);
      // Skipped: reopened between our read and the write (which checks it under the row's lock).
      if (!stored) return { outcome: 'reopened' };
      return { outcome: 'created', task: { ...task, number: stored!.number, tags: stored!.tags ?? task.tags } };
    } catch (error) {
      // Only the series key means "done before"; any other conflict is a real failure (retried).
      if (isUniqueViolation(error, 'tasks_series_occurrence_key')) return this.handled(completed, 'already-created');
      throw error;
    }
  }

  /**
   * Handles the completions whose event never reached this role: occurrences of a series
   * completed more than `graceMs` (default 2 min) and less than `horizonMs` (default 7 days) ago
   * that nobody handled. The event path handles a completion within moments; what is left
   * after the grace period was lost on the way (a broker or sidecar fault, docs/operations.md).
   * Safe to run on every replica at once: creating an occurrence is idempotent.
   */
  async reconcile(options: { graceMs?: number; horizonMs?: number; limit?: number } = {}): Promise<ReconciledCompletion[]> {
    const { graceMs = 120_000, horizonMs = 7 * 86_400_000, limit = 100 } = options;
    const now = this.deps.clock.now().getTime();
    const { repos } = this.deps.store;
    const missed = await repos.recurrence.unhandledCompletions({
      after: new Date(now - horizonMs),
      before: new Date(now - graceMs),
      limit,
    });
    const reconciled: ReconciledCompletion[] = [];
    // One completion that cannot be handled must not hold back the others behind it.
    for (const { id, userId } of missed) {
      try {
        const task = await repos.tasks.findById(userId, id);
        if (task) reconciled.push({ taskId: id, userId, ...(await this.createNext(userId, task)) });
      } catch (error) {
        reconciled.push({
          taskId: id,
          userId,
          outcome: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return reconciled;
  }

  /** Records a completion that needed no new occurrence as handled, so the reconciliation skips it. */
  private async handled(completed: Task, outcome: Unchanged['outcome']): Promise<Unchanged> {
    await this.deps.store.repos.recurrence.markHandled(completed.id, this.deps.clock.now());
    return { outcome } as Unchanged;
  }
}

/** A copied subtask's fields besides its own and its project: nothing due, no series. */
const EMPTY_TASK = {
  assigneeId: null,
  number: null,
  projectNumber: null,
  completedAt: null,
  dueDate: null,
  dueTime: null,
  dueZone: null,
  dueAt: null,
  recurrenceRule: null,
  repeatFrom: null,
  seriesId: null,
  seriesStart: null,
  occurrenceIndex: null,
  icalUid: null,
  icalName: null,
  icalExtras: null,
} as const;
