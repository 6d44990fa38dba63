/**
 * Task use cases. Each change is decided here and written by one statement together with the
 * events it causes (`repos.tasks.write`, the outbox), so REST, MCP and chat — which all call
 * this service — emit exactly the same events. A task event's `userId` is the task's creator
 * (whose reminders, series and live stream it concerns), whichever member made the change.
 */
import { createHash } from 'node:crypto';
import {
  DomainError,
  dueNeedsUserZone,
  enforce,
  ifMatchAccepts,
  pendingEvent,
  priorityRank,
  projectRule,
  taskEtag,
  TaskVersionMismatch,
  todayIn,
  type DueFields,
  type EventType,
  type ReopenedTask,
  type Task,
  type TaskCreate,
  type TaskListQuery,
  type TaskPatch,
} from '@todo/domain';
import {
  isIdempotencyKeyTaken,
  isUniqueViolation,
  taskFromRow,
  type Repositories,
  type StoredIdempotencyKey,
  type StoredTaskWrite,
  type TaskRow,
  type TaskJsonPage,
  type TaskPage,
} from '@todo/storage';
import type { CallContext, Principal, ServiceDeps } from './deps.js';
import { assignedEvents, assigneeAfterMove, checkedAssignee } from './task-assignment.js';
import { UnitOfWork, type PendingTaskWrite } from './unit-of-work.js';
import { TaskListPages, type ListPage, type ListPageCache, type ListPageOutcome } from './task-list-pages.js';
import {
  anchorOf,
  byLowerName,
  distinctNames,
  dueFields,
  parseTaskRef,
  recurrenceFields,
  reminderJson,
  reminderJsonOf,
  reminderRows,
  reminderWriteOf,
} from './task-fields.js';
import { restoreWrites, subtaskWrites, TRASH_KEPT_MS, undoCompletionWrites, type NextOccurrenceOutcome } from './task-undo.js';

/** What a CalDAV client wrote that the app does not model: its own UID and the VTODO's other properties. */
export interface IcalKept {
  uid: string | null;
  /** The resource name it was created under, when not its UID. */
  name: string | null;
  extras: string | null;
}

/**
 * A write on condition (HTTP If-Match): made only if the task is still the version the client
 * named (`taskEtag`), else `TaskVersionMismatch` with the task as it is. Absent: the last write wins.
 */
export interface WriteCondition {
  ifMatch?: string | undefined;
}

/** How long a create's idempotency key holds: a client's retries come within minutes. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export class TaskService {
  private readonly unitOfWork: UnitOfWork;
  private readonly pages: TaskListPages;

  constructor(
    private readonly deps: ServiceDeps,
    lists: { pageCache?: ListPageCache | undefined; onListPage?: ((outcome: ListPageOutcome) => void) | undefined } = {},
  ) {
    this.unitOfWork = new UnitOfWork(deps);
    this.pages = new TaskListPages(
      deps.store.repos.listVersions,
      lists.pageCache,
      (principal, query) => this.readPage(principal, query),
      lists.onListPage,
    );
  }

  async get(principal: Principal, ref: string): Promise<Task> {
    return this.find(this.deps.store.repos, principal.userId, ref);
  }

  /** A page of tasks; like `listPage`, from memory while the owner's data is unchanged (MCP and chat list often). */
  async list(principal: Principal, query: TaskListQuery): Promise<TaskPage> {
    const { body } = await this.pages.page(principal, query);
    return JSON.parse(body!) as TaskPage;
  }

  /** The same page as `list`, as the JSON body the REST API sends — no parse and re-serialise on the way. */
  async listBody(principal: Principal, query: TaskListQuery): Promise<string> {
    return (await this.readPage(principal, query)).body;
  }

  private async readPage(principal: Principal, query: TaskListQuery): Promise<{ body: string; version: string | null }> {
    const page = await this.listJson(principal, query);
    return { body: `{"items":[${page.items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`, version: page.version };
  }

  /**
   * `listBody` with an ETag: null instead of the body when `isCurrent` accepts the ETag (the
   * client's copy is still right), and from memory while the owner's data is unchanged.
   */
  listPage(principal: Principal, query: TaskListQuery, isCurrent?: (etag: string) => boolean): Promise<ListPage> {
    return this.pages.page(principal, query, isCurrent);
  }

  private async listJson(principal: Principal, query: TaskListQuery): Promise<TaskJsonPage> {
    const { repos } = this.deps.store;
    const now = this.deps.clock.now();
    // Only `overdue` needs the owner's today; other lists save the round trip (and the date maths).
    if (!query.overdue) return repos.tasks.listJson(principal.userId, query, { now, today: null });
    const zone = (await repos.users.findById(principal.userId))?.timeZone ?? 'UTC';
    return repos.tasks.listJson(principal.userId, query, { now, today: todayIn(zone, now.toISOString()) });
  }

  /**
   * `create` with a client's idempotency key (MCP `idempotencyKey`): the first call creates the
   * task and stores the key with it in the same statement; a retry of it — on any replica,
   * after a restart, or racing the first — gets that task back (`replayed`). The same key with
   * other fields, or for a task since deleted, is a CONFLICT. Keys last a day.
   */
  async createOnce(ctx: CallContext, input: TaskCreate, key: string): Promise<{ task: Task; replayed: boolean }> {
    const { repos } = this.deps.store;
    const userId = ctx.principal.userId;
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    await repos.idempotency.removeExpired(userId, new Date(this.deps.clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS));
    const earlier = await repos.idempotency.find(userId, key);
    if (earlier) return this.replay(ctx.principal, earlier, fingerprint);
    try {
      return { task: await this.create(ctx, input, { key, fingerprint }), replayed: false };
    } catch (error) {
      const winner = isIdempotencyKeyTaken(error) ? await repos.idempotency.find(userId, key) : null;
      if (!winner) throw error;
      return this.replay(ctx.principal, winner, fingerprint);
    }
  }

  private async replay(principal: Principal, stored: StoredIdempotencyKey, fingerprint: string) {
    if (stored.fingerprint !== fingerprint) {
      throw DomainError.field('CONFLICT', 'idempotencyKey', 'this key was already used for a different task; use a new key');
    }
    try {
      return { task: await this.get(principal, stored.taskId), replayed: true };
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'TASK_NOT_FOUND')) throw error;
      throw DomainError.field(
        'CONFLICT',
        'idempotencyKey',
        'the task created with this key has since been deleted; use a new key',
      );
    }
  }

  async create(
    ctx: CallContext,
    input: TaskCreate,
    idempotency?: { key: string; fingerprint: string },
    ical?: IcalKept,
  ): Promise<Task> {
    const userId = ctx.principal.userId;
    const { repos } = this.deps.store;
    // Only a due without its own zone needs the owner's zone first; otherwise the create is one round trip.
    const zone = dueNeedsUserZone(input.due) ? await this.userZone(userId) : 'UTC';
    const due = dueFields(input.due, zone);
    const recurrence = recurrenceFields(input.recurrence, due, zone);
    const reminders = reminderRows(input.reminders, due, () => this.deps.ids.next());
    const projectId = await this.targetProject(repos, userId, input);
    const id = this.deps.ids.next();
    const now = this.deps.clock.now();
    const row = {
      id,
      userId,
      number: null,
      title: input.title,
      description: input.description,
      priority: priorityRank(input.priority),
      completedAt: null,
      ...due,
      ...recurrence,
      seriesId: recurrence.recurrenceRule ? id : null,
      occurrenceIndex: recurrence.recurrenceRule ? 0 : null,
      seriesStart: recurrence.recurrenceRule ? anchorOf(due) : null,
      assigneeId: await checkedAssignee(repos, projectId, input.assigneeId),
      projectId,
      projectNumber: null,
      parentId: input.parentId,
      icalUid: ical?.uid ?? null,
      icalName: ical?.name ?? null,
      icalExtras: ical?.extras ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const tags = distinctNames(input.tags).map((name) => ({ id: this.deps.ids.next(), name }));
    // Built from what is written, not read back; the number and tag names as stored come from the write.
    const task = taskFromRow(
      { ...row, number: 0, projectNumber: 0 },
      tags.map((t) => t.name),
      reminderJson(reminders),
    );
    const events = [
      pendingEvent('todo.task.created.v1', id, { userId, actorId: ctx.principal.userId, task }),
      ...assignedEvents(task, null, userId, userId),
    ];
    const [stored] = await this.unitOfWork.writeTasks(ctx, [
      { op: 'insert', row, tags, reminders, events, ...(idempotency ? { idempotency } : {}) },
    ]);
    return { ...task, number: stored!.number, projectNumber: stored!.projectNumber, tags: stored!.tags ?? task.tags };
  }

  /** `ical`: a CalDAV write's VTODO properties the app does not model, kept with the task. */
  async update(
    ctx: CallContext,
    ref: string,
    patch: TaskPatch,
    condition: WriteCondition = {},
    ical?: Pick<IcalKept, 'extras'>,
  ): Promise<Task> {
    const userId = ctx.principal.userId;
    const changed = Object.keys(patch).filter((k) => patch[k as keyof TaskPatch] !== undefined);
    const { repos } = this.deps.store;
    const zone = patch.due !== undefined || patch.recurrence !== undefined ? await this.userZone(userId) : 'UTC';
    return this.change(ctx, ref, condition, async ({ task: before, row: read }) => {
      const extrasChanged = ical !== undefined && (ical.extras ?? null) !== read.icalExtras;
      if (!changed.length && !extrasChanged) return null;
      const row: Omit<TaskRow, 'projectNumber'> & { projectNumber: number | null } = {
        ...read,
        updatedAt: this.nextVersion(read),
      };
      if (patch.title !== undefined) row.title = patch.title;
      if (patch.description !== undefined) row.description = patch.description;
      if (extrasChanged) row.icalExtras = ical.extras ?? null;
      if (patch.priority !== undefined) row.priority = priorityRank(patch.priority);
      if (patch.projectId !== undefined && patch.projectId !== read.projectId) {
        // A move: the task takes the next number of the project it moves to; its `#N` stays.
        await this.projectToWrite(repos, userId, patch.projectId);
        row.projectId = patch.projectId;
        row.projectNumber = null;
        row.assigneeId = await assigneeAfterMove(repos, row.projectId, read.assigneeId);
      }
      if (patch.assigneeId !== undefined) row.assigneeId = await checkedAssignee(repos, row.projectId, patch.assigneeId);
      if (patch.parentId !== undefined) {
        await this.checkParent(repos, userId, before.id, patch.parentId);
        row.parentId = patch.parentId;
      }

      const due = patch.due !== undefined ? dueFields(patch.due, zone) : read;
      if (patch.due !== undefined) Object.assign(row, dueOnly(due));
      if (patch.recurrence !== undefined || patch.due !== undefined) {
        const recurrence =
          patch.recurrence !== undefined
            ? recurrenceFields(patch.recurrence, due, zone)
            : recurrenceFields(
                read.recurrenceRule ? { rule: read.recurrenceRule, repeatFrom: read.repeatFrom ?? 'due' } : null,
                due,
              );
        Object.assign(row, recurrence);
        // Editing the rule or the due re-anchors the series here; the index keeps COUNT honest.
        if (recurrence.recurrenceRule) {
          Object.assign(row, {
            seriesId: read.seriesId ?? read.id,
            occurrenceIndex: read.occurrenceIndex ?? 0,
            seriesStart: anchorOf(due),
          });
        }
      }
      const reminders =
        patch.reminders !== undefined
          ? reminderRows(patch.reminders, due, () => this.deps.ids.next(), before.reminders)
          : undefined;
      if (
        patch.reminders === undefined &&
        patch.due !== undefined &&
        !due.dueDate &&
        before.reminders.some((r) => r.type === 'relative')
      ) {
        throw DomainError.field('INVALID_REMINDER', 'due', 'remove the relative reminders before clearing the due date');
      }
      const tags =
        patch.tags !== undefined ? distinctNames(patch.tags).map((name) => ({ id: this.deps.ids.next(), name })) : undefined;
      const task = taskFromRow(
        { ...row, projectNumber: row.projectNumber ?? read.projectNumber },
        tags ? tags.map((t) => t.name).sort(byLowerName) : before.tags,
        reminders ? reminderJson(reminders) : before.reminders.map(reminderJsonOf),
      );
      const events = [
        pendingEvent('todo.task.updated.v1', task.id, { userId: read.userId, actorId: ctx.principal.userId, task, changed }),
        ...assignedEvents(task, read.assigneeId, read.userId, userId),
      ];
      return {
        task,
        write: {
          op: 'update',
          row,
          readUpdatedAt: read.updatedAt,
          events,
          ...(tags ? { tags } : {}),
          ...(reminders ? { reminders } : {}),
        },
      };
    });
  }

  /** Adds a tag by name (created when new); adding a tag the task has is a no-op. */
  async addTag(ctx: CallContext, ref: string, name: string): Promise<Task> {
    const task = await this.get(ctx.principal, ref);
    // Already there: nothing to write, but the caller must still be one who may write it.
    if (task.tags.some((t) => t.toLowerCase() === name.toLowerCase())) return this.update(ctx, task.id, {});
    return this.update(ctx, task.id, { tags: [...task.tags, name] });
  }

  async removeTag(ctx: CallContext, ref: string, name: string): Promise<Task> {
    const task = await this.get(ctx.principal, ref);
    const rest = task.tags.filter((t) => t.toLowerCase() !== name.toLowerCase());
    return this.update(ctx, task.id, rest.length === task.tags.length ? {} : { tags: rest });
  }

  /** Snoozes a reminder until `until` (the notifier reschedules it from the update event). */
  async snoozeReminder(
    ctx: CallContext,
    taskRef: string,
    reminderId: string,
    until: Date,
    condition: WriteCondition = {},
  ): Promise<Task> {
    return this.change(ctx, taskRef, condition, async ({ task: before, row: read }) => {
      if (!before.reminders.some((r) => r.id === reminderId)) {
        throw DomainError.field('NOT_FOUND', 'reminderId', 'this task has no such reminder');
      }
      const row = { ...read, updatedAt: this.nextVersion(read) };
      const reminders = before.reminders.map((r) => ({
        ...reminderWriteOf(r),
        ...(r.id === reminderId ? { snoozedUntil: until } : {}),
      }));
      const task = taskFromRow(row, before.tags, reminderJson(reminders));
      const events = [
        pendingEvent('todo.task.updated.v1', task.id, {
          userId: read.userId,
          actorId: ctx.principal.userId,
          task,
          changed: ['reminders'],
        }),
      ];
      return { task, write: { op: 'update', row, readUpdatedAt: read.updatedAt, reminders, events } };
    });
  }

  /** Idempotent: completing a completed task changes nothing and emits nothing. */
  complete(ctx: CallContext, ref: string, condition: WriteCondition = {}): Promise<Task> {
    return this.setCompleted(ctx, ref, true, condition);
  }

  /**
   * Undoes a completion (task-undo.ts): the task opens again, and so do the subtasks closed with
   * it; the next occurrence the completion made goes with it, unless somebody touched it.
   */
  async reopen(ctx: CallContext, ref: string, condition: WriteCondition = {}): Promise<ReopenedTask> {
    let next: NextOccurrenceOutcome | null = null;
    const task = await this.setCompleted(ctx, ref, false, condition, (outcome) => (next = outcome));
    return { ...task, nextOccurrence: next };
  }

  /**
   * Brings back a task deleted within the last hour, with its subtasks, id, number, tags and
   * reminders (armed again). Restoring a task that is back already answers it as it is.
   */
  async restore(ctx: CallContext, ref: string): Promise<Task> {
    const userId = ctx.principal.userId;
    const { repos } = this.deps.store;
    const entry = await repos.trash.find(userId, parseTaskRef(ref));
    if (!entry) return this.get(ctx.principal, ref);
    const now = this.deps.clock.now();
    const { writes } = await restoreWrites(repos, userId, entry, () => this.deps.ids.next(), now);
    try {
      await this.unitOfWork.writeTasks(ctx, writes);
    } catch (error) {
      // Restored by a concurrent call (the ids are taken): answered as that one left it.
      if (!isUniqueViolation(error, 'tasks_pkey')) throw error;
    }
    return this.get(ctx.principal, entry.taskId);
  }

  /** Drops deleted tasks past the undo window (`TRASH_KEPT_MS`): they can no longer be restored. */
  purgeTrash(): Promise<number> {
    return this.deps.store.repos.trash.purge(new Date(this.deps.clock.now().getTime() - TRASH_KEPT_MS));
  }

  /**
   * Folds each user's list-version rows into one of the same sum, for users who write without
   * listing (a list read does it for its own user). The versions stay as they are.
   */
  compactListVersions(): Promise<void> {
    return this.deps.store.repos.listVersions.compact();
  }

  async delete(ctx: CallContext, ref: string, condition: WriteCondition = {}): Promise<void> {
    const userId = ctx.principal.userId;
    const { repos } = this.deps.store;
    await this.change(ctx, ref, condition, async ({ task, row }) => {
      // Subtasks go with their parent (cascade); each gets its own event so its reminders are cancelled.
      const events = [];
      for (const id of await repos.tasks.descendantIds(task.id)) {
        const sub = await repos.tasks.findById(userId, id);
        if (sub) events.push(pendingEvent('todo.task.deleted.v1', id, { userId: row.userId, actorId: userId, task: sub }));
      }
      events.push(pendingEvent('todo.task.deleted.v1', task.id, { userId: row.userId, actorId: userId, task }));
      const at = this.deps.clock.now();
      return {
        task,
        write: { op: 'delete', userId: row.userId, id: task.id, readUpdatedAt: row.updatedAt, at, events, trash: true },
      };
    });
  }

  private setCompleted(
    ctx: CallContext,
    ref: string,
    completed: boolean,
    condition: WriteCondition,
    onNextOccurrence?: (outcome: NextOccurrenceOutcome | null) => void,
  ): Promise<Task> {
    const { repos } = this.deps.store;
    return this.change(ctx, ref, condition, async ({ task: before, row: read }) => {
      if ((before.status === 'completed') === completed) return null;
      // The task's creator: its rows, its series and its events are theirs, whichever member acts.
      const userId = read.userId;
      const now = this.deps.clock.now();
      const updatedAt = this.nextVersion(read);
      const row = { ...read, completedAt: completed ? now : null, updatedAt };
      // Only these fields change: no need to read the task back.
      const task: Task = {
        ...before,
        status: completed ? 'completed' : 'open',
        completedAt: row.completedAt?.toISOString() ?? null,
        updatedAt: updatedAt.toISOString(),
      };
      const type: EventType = completed ? 'todo.task.completed.v1' : 'todo.task.reopened.v1';
      const undone = completed ? null : await undoCompletionWrites(repos, userId, read, now);
      const more = undone?.writes ?? (await subtaskWrites(repos, userId, read, now, now));
      const events = [pendingEvent(type, task.id, { userId, actorId: ctx.principal.userId, task })];
      return {
        task,
        write: {
          op: 'update',
          row,
          readUpdatedAt: read.updatedAt,
          events,
          ...(read.seriesId && !completed ? { reopens: true } : {}),
        },
        more,
        // A next occurrence whose delete was skipped was changed after our read: it stays.
        written: (stored) => {
          const next = undone?.next;
          onNextOccurrence?.(next?.removed ? { ...next, removed: stored.at(-1) !== null } : (next ?? null));
        },
      };
    });
  }

  /**
   * Reads a task, lets `decide` build its change (null: nothing to change) and writes it if the
   * task is still as read: one statement with its events and no transaction holding the row. A
   * concurrent change makes us read and decide again; after a few rounds it is a CONFLICT.
   * `condition.ifMatch` is checked against each read: the write is guarded by the `updated_at`
   * of that same read, so a change slipping in between is caught by the statement and the next
   * read then fails the condition — check and write are one atomic step.
   */
  private async change(
    ctx: CallContext,
    ref: string,
    condition: WriteCondition,
    decide: (read: { task: Task; row: TaskRow }) => Promise<{
      task: Task;
      write: PendingTaskWrite;
      /** Writes to other tasks that go with this one (`write` must be an update): in its statement, and only with it. */
      more?: Exclude<PendingTaskWrite, { op: 'insert' }>[];
      written?: (stored: StoredTaskWrite[]) => void;
    } | null>,
  ): Promise<Task> {
    const userId = ctx.principal.userId;
    for (let attempt = 1; ; attempt++) {
      const read = await this.deps.store.repos.tasks.findForChange(userId, parseTaskRef(ref));
      if (!read) throw new DomainError('TASK_NOT_FOUND', `no task ${ref}`);
      enforce(projectRule(read.role, 'writeTasks', 'task'));
      // After the role: who may not write learns nothing of the version.
      if (condition.ifMatch !== undefined && !ifMatchAccepts(condition.ifMatch, taskEtag(read.task))) {
        throw new TaskVersionMismatch(read.task);
      }
      const decided = await decide(read);
      if (!decided) return read.task;
      const more = (decided.more ?? []).map((w, i) => ({ ...w, onlyWith: i + 1 }));
      // The change happens now, even when its version (`nextVersion`) had to move past the clock.
      const write = decided.write.op === 'update' ? { at: this.deps.clock.now(), ...decided.write } : decided.write;
      const [stored, ...others] = await this.unitOfWork.writeTasks(ctx, [write, ...more]);
      if (stored) {
        decided.written?.(others);
        return { ...decided.task, projectNumber: stored.projectNumber, tags: stored.tags ?? decided.task.tags };
      }
      if (attempt >= 5) throw new DomainError('CONFLICT', 'the task keeps changing; try again');
    }
  }

  /**
   * The `updated_at` a write stores: now, but always past the version it read, so that two
   * writes within one millisecond (or under a stopped test clock) still differ and the second
   * one guarded by the first one's read is refused.
   */
  private nextVersion(read: TaskRow): Date {
    const now = this.deps.clock.now();
    return now.getTime() > read.updatedAt.getTime() ? now : new Date(read.updatedAt.getTime() + 1);
  }

  private async find(repos: Repositories, userId: string, ref: string): Promise<Task> {
    const key = parseTaskRef(ref);
    const task = 'id' in key ? await repos.tasks.findById(userId, key.id) : await repos.tasks.findByNumber(userId, key.number);
    if (!task) throw new DomainError('TASK_NOT_FOUND', `no task ${ref}`);
    return task;
  }

  private async userZone(userId: string): Promise<string> {
    const user = await this.deps.store.repos.users.findById(userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    return user.timeZone;
  }

  /**
   * Where a new task goes: the project asked for, else its parent's project, else the caller's
   * Inbox — a project the caller may write tasks in. Another user's ids are not found, so
   * their existence is not disclosed.
   */
  private async targetProject(
    repos: Repositories,
    userId: string,
    input: { projectId: string | null; parentId: string | null },
  ): Promise<string> {
    const parent = input.parentId ? await repos.tasks.findRow(userId, input.parentId) : null;
    if (input.parentId && !parent) throw DomainError.field('TASK_NOT_FOUND', 'parentId', 'no such parent task');
    if (input.projectId) return this.projectToWrite(repos, userId, input.projectId);
    if (parent) {
      enforce(projectRule(parent.role, 'writeTasks', 'task'));
      return parent.projectId;
    }
    return this.inboxOf(repos, userId);
  }

  private async projectToWrite(repos: Repositories, userId: string, projectId: string): Promise<string> {
    const project = await repos.projects.find(userId, projectId);
    if (!project) throw DomainError.field('PROJECT_NOT_FOUND', 'projectId', 'no such project');
    enforce(projectRule(project.role, 'writeTasks'));
    return project.id;
  }

  /** A user's Inbox never changes (it cannot be deleted), so its id is looked up once per process. */
  private readonly inboxes = new Map<string, string>();
  private async inboxOf(repos: Repositories, userId: string): Promise<string> {
    const known = this.inboxes.get(userId);
    if (known) return known;
    const inbox = await repos.projects.inboxOf(userId);
    if (!inbox) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    if (this.inboxes.size >= 10_000) this.inboxes.clear();
    this.inboxes.set(userId, inbox);
    return inbox;
  }

  private async checkParent(repos: Repositories, userId: string, taskId: string, parentId: string | null) {
    if (!parentId) return;
    if (parentId === taskId || (await repos.tasks.descendantIds(taskId)).includes(parentId)) {
      throw DomainError.field('PARENT_CYCLE', 'parentId', 'a task cannot be a subtask of itself or of its own subtask');
    }
    if (!(await repos.tasks.findRow(userId, parentId)))
      throw DomainError.field('TASK_NOT_FOUND', 'parentId', 'no such parent task');
  }
}

const dueOnly = (due: DueFields): DueFields => ({
  dueDate: due.dueDate,
  dueTime: due.dueTime,
  dueZone: due.dueZone,
  dueAt: due.dueAt,
});
