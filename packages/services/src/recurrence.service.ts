/**
 * Creates the next occurrence of a recurring task when one is completed — exactly once: the
 * (series_id, occurrence_index) unique key turns a duplicate delivery, or a reopen followed by
 * a second completion, into a no-op.
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
import { isUniqueViolation, taskFromRow, type NewReminderRow } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';
import { byLowerName } from './task-fields.js';
import { UnitOfWork } from './unit-of-work.js';

export type NextOccurrenceResult =
  | { outcome: 'created'; task: Task }
  | { outcome: 'already-created' }
  | { outcome: 'series-ended' }
  | { outcome: 'not-recurring' };

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
    const zone = row.dueZone ?? found.timeZone;
    const current = dueAnchor(row)!;
    const index = row.occurrenceIndex ?? 0;
    const completedAt = row.completedAt ?? this.deps.clock.now();
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
    const reminders: NewReminderRow[] = completed.reminders.map((r) =>
      r.type === 'relative'
        ? { id: this.deps.ids.next(), kind: 'relative', minutesBefore: r.minutesBefore, at: null }
        : { id: this.deps.ids.next(), kind: 'absolute', minutesBefore: null, at: new Date(new Date(r.at).getTime() + shift) },
    );
    const nextRow = { ...row, id, completedAt: null, ...due, occurrenceIndex: index + 1, createdAt: now, updatedAt: now };
    const reminderJson = reminders.map((r) => ({ ...r, at: r.at?.toISOString() ?? null, snoozedUntil: null }));
    try {
      if (!found.hasSubtasks) {
        // The common case in one statement: the number, the task, its tags, reminders and event,
        // atomically — a duplicate delivery rolls it all back, number included.
        const task = taskFromRow({ ...nextRow, number: 0 }, completed.tags, reminderJson); // number filled in by the write
        const tags = completed.tags.map((name) => ({ id: this.deps.ids.next(), name }));
        const created = pendingEvent('todo.task.created.v1', id, { userId, task });
        const stored = await this.unitOfWork.runStatement(ctx, [created], (writer, events) =>
          writer.tasks.insertWithEvents({ row: { ...nextRow, number: null }, tags, reminders, events, follows: completed.id }),
        );
        return { outcome: 'created', task: { ...task, ...stored } };
      }
      // Allocated before the write (see allocateNumber); a duplicate delivery costs a number.
      const { number } = await repos.tasks.allocateNumber(userId);
      const task = taskFromRow({ ...nextRow, number }, completed.tags, reminderJson);
      const withSubtasks = await this.unitOfWork.run(ctx, async (tx, emit) => {
        await tx.tasks.insert({ ...nextRow, number });
        const tags = await tx.tags.ensureNames(userId, completed.tags, () => this.deps.ids.next(), now, id);
        if (reminders.length) await tx.tasks.replaceReminders(id, reminders, { isNew: true });
        const created = { ...task, tags: tags.map((t) => t.name).sort(byLowerName) };
        emit(pendingEvent('todo.task.created.v1', id, { userId, task: created }));
        await this.copySubtasks(tx, userId, completed.id, id, now, emit);
        await tx.recurrence.markHandled(completed.id, now);
        return created;
      });
      return { outcome: 'created', task: withSubtasks };
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

  /** The next occurrence starts with the same checklist, every item open again. */
  private async copySubtasks(
    tx: Parameters<Parameters<UnitOfWork['run']>[1]>[0],
    userId: string,
    fromParent: string,
    toParent: string,
    now: Date,
    emit: Parameters<Parameters<UnitOfWork['run']>[1]>[1],
  ): Promise<void> {
    const subtasks = await tx.tasks.childRows(userId, fromParent);
    for (const sub of subtasks) {
      const { number } = await tx.tasks.allocateNumber(userId);
      const row = await tx.tasks.insert({
        id: this.deps.ids.next(),
        userId,
        number,
        title: sub.title,
        description: sub.description,
        priority: sub.priority,
        parentId: toParent,
        createdAt: now,
        updatedAt: now,
      });
      emit(pendingEvent('todo.task.created.v1', row.id, { userId, task: taskFromRow(row, [], []) }));
    }
  }
}
