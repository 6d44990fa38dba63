/**
 * Task use cases. Each change runs in one transaction with the events it causes (outbox), so
 * REST, MCP and chat — which all call this service — emit exactly the same events.
 */
import { createHash } from 'node:crypto';
import {
  DomainError,
  dueNeedsUserZone,
  pendingEvent,
  priorityRank,
  todayIn,
  type EventType,
  type Task,
  type TaskCreate,
  type TaskListQuery,
  type TaskPatch,
} from '@todo/domain';
import {
  isIdempotencyKeyTaken,
  taskFromRow,
  type Repositories,
  type StoredIdempotencyKey,
  type TaskChanges,
  type TaskJsonPage,
  type TaskPage,
} from '@todo/storage';
import type { CallContext, Principal, ServiceDeps } from './deps.js';
import { UnitOfWork, type Emit } from './unit-of-work.js';
import { TaskListPages, type ListPage, type ListPageCache, type ListPageOutcome } from './task-list-pages.js';
import { anchorOf, byLowerName, distinctNames, dueFields, parseTaskRef, recurrenceFields, reminderRows } from './task-fields.js';

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

  async create(ctx: CallContext, input: TaskCreate, idempotency?: { key: string; fingerprint: string }): Promise<Task> {
    const userId = ctx.principal.userId;
    const { repos } = this.deps.store;
    // Only a due without its own zone needs the owner's zone first; otherwise the write itself
    // allocates the number, and the create is one round trip.
    const allocated = dueNeedsUserZone(input.due) ? await repos.tasks.allocateNumber(userId) : null;
    const due = dueFields(input.due, allocated?.timeZone ?? 'UTC');
    const recurrence = recurrenceFields(input.recurrence, due, allocated?.timeZone ?? 'UTC');
    const reminders = reminderRows(input.reminders, due, () => this.deps.ids.next());
    await this.checkReferences(repos, userId, { categoryId: input.categoryId, parentId: input.parentId });
    const id = this.deps.ids.next();
    const now = this.deps.clock.now();
    const row = {
      id,
      userId,
      number: allocated?.number ?? null,
      title: input.title,
      description: input.description,
      priority: priorityRank(input.priority),
      completedAt: null,
      ...due,
      ...recurrence,
      seriesId: recurrence.recurrenceRule ? id : null,
      occurrenceIndex: recurrence.recurrenceRule ? 0 : null,
      seriesStart: recurrence.recurrenceRule ? anchorOf(due) : null,
      categoryId: input.categoryId,
      parentId: input.parentId,
      createdAt: now,
      updatedAt: now,
    };
    const tags = distinctNames(input.tags).map((name) => ({ id: this.deps.ids.next(), name }));
    // Built from what is written, not read back; the tag names are the stored ones (below).
    const task = taskFromRow(
      { ...row, number: row.number ?? 0 }, // a number allocated by the write is filled in below and in the event
      tags.map((t) => t.name),
      reminders.map((r) => ({ ...r, at: r.at?.toISOString() ?? null, snoozedUntil: null })),
    );
    const created = pendingEvent('todo.task.created.v1', id, { userId, task });
    const stored = await this.unitOfWork.runStatement(ctx, [created], (writer, events) =>
      writer.tasks.insertWithEvents({ row, tags, reminders, events, ...(idempotency ? { idempotency } : {}) }),
    );
    return { ...task, ...stored };
  }

  async update(ctx: CallContext, ref: string, patch: TaskPatch): Promise<Task> {
    const userId = ctx.principal.userId;
    return this.write(ctx, async (repos, emit) => {
      const before = await this.find(repos, userId, ref);
      const row = (await repos.tasks.findRow(userId, before.id))!;
      const zone = await this.userZone(repos, userId);
      const changed = Object.keys(patch).filter((k) => patch[k as keyof TaskPatch] !== undefined);
      if (!changed.length) return before;
      const changes: TaskChanges = { updatedAt: this.deps.clock.now() };
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.priority !== undefined) changes.priority = priorityRank(patch.priority);
      if (patch.categoryId !== undefined) changes.categoryId = patch.categoryId;
      if (patch.parentId !== undefined) {
        await this.checkParent(repos, userId, before.id, patch.parentId);
        changes.parentId = patch.parentId;
      }
      await this.checkReferences(repos, userId, { categoryId: patch.categoryId ?? null, parentId: null });

      const due =
        patch.due !== undefined
          ? dueFields(patch.due, zone)
          : { dueDate: row.dueDate, dueTime: row.dueTime, dueZone: row.dueZone, dueAt: row.dueAt };
      if (patch.due !== undefined) Object.assign(changes, due);
      if (patch.recurrence !== undefined || patch.due !== undefined) {
        const recurrence =
          patch.recurrence !== undefined
            ? recurrenceFields(patch.recurrence, due, zone)
            : recurrenceFields(
                row.recurrenceRule ? { rule: row.recurrenceRule, repeatFrom: row.repeatFrom ?? 'due' } : null,
                due,
              );
        Object.assign(changes, recurrence);
        // Editing the rule or the due re-anchors the series here; the index keeps COUNT honest.
        if (recurrence.recurrenceRule) {
          Object.assign(changes, {
            seriesId: row.seriesId ?? row.id,
            occurrenceIndex: row.occurrenceIndex ?? 0,
            seriesStart: anchorOf(due),
          });
        }
      }
      if (patch.reminders !== undefined) {
        await repos.tasks.replaceReminders(
          before.id,
          reminderRows(patch.reminders, due, () => this.deps.ids.next(), before.reminders),
        );
      } else if (patch.due !== undefined && !due.dueDate && before.reminders.some((r) => r.type === 'relative')) {
        throw DomainError.field('INVALID_REMINDER', 'due', 'remove the relative reminders before clearing the due date');
      }
      if (patch.tags !== undefined) await this.setTags(repos, userId, before.id, patch.tags, changes.updatedAt!);
      await repos.tasks.update(userId, before.id, changes);
      const task = await this.find(repos, userId, before.id);
      emit(pendingEvent('todo.task.updated.v1', task.id, { userId, task, changed }));
      return task;
    });
  }

  /** Adds a tag by name (created when new); adding a tag the task has is a no-op. */
  async addTag(ctx: CallContext, ref: string, name: string): Promise<Task> {
    const task = await this.get(ctx.principal, ref);
    if (task.tags.some((t) => t.toLowerCase() === name.toLowerCase())) return task;
    return this.update(ctx, task.id, { tags: [...task.tags, name] });
  }

  async removeTag(ctx: CallContext, ref: string, name: string): Promise<Task> {
    const task = await this.get(ctx.principal, ref);
    const rest = task.tags.filter((t) => t.toLowerCase() !== name.toLowerCase());
    return rest.length === task.tags.length ? task : this.update(ctx, task.id, { tags: rest });
  }

  /** Snoozes a reminder until `until` (the notifier reschedules it from the update event). */
  async snoozeReminder(ctx: CallContext, taskRef: string, reminderId: string, until: Date): Promise<Task> {
    const userId = ctx.principal.userId;
    return this.write(ctx, async (repos, emit) => {
      const before = await this.find(repos, userId, taskRef);
      if (!(await repos.tasks.snoozeReminder(userId, before.id, reminderId, until))) {
        throw DomainError.field('NOT_FOUND', 'reminderId', 'this task has no such reminder');
      }
      await repos.tasks.update(userId, before.id, { updatedAt: this.deps.clock.now() });
      const task = await this.find(repos, userId, before.id);
      emit(pendingEvent('todo.task.updated.v1', task.id, { userId, task, changed: ['reminders'] }));
      return task;
    });
  }

  /** Idempotent: completing a completed task changes nothing and emits nothing. */
  complete(ctx: CallContext, ref: string): Promise<Task> {
    return this.setCompleted(ctx, ref, true);
  }

  reopen(ctx: CallContext, ref: string): Promise<Task> {
    return this.setCompleted(ctx, ref, false);
  }

  /**
   * Folds each user's list-version rows into one of the same sum, for users who write without
   * listing (a list read does it for its own user). The versions stay as they are.
   */
  compactListVersions(): Promise<void> {
    return this.deps.store.repos.listVersions.compact();
  }

  async delete(ctx: CallContext, ref: string): Promise<void> {
    const userId = ctx.principal.userId;
    await this.write(ctx, async (repos, emit) => {
      const task = await this.find(repos, userId, ref);
      // Subtasks go with their parent (cascade); each gets its own event so its reminders are cancelled.
      const descendants = await repos.tasks.descendantIds(userId, task.id);
      for (const id of descendants) {
        const sub = await repos.tasks.findById(userId, id);
        if (sub) emit(pendingEvent('todo.task.deleted.v1', id, { userId, task: sub }));
      }
      await repos.tasks.delete(userId, task.id);
      emit(pendingEvent('todo.task.deleted.v1', task.id, { userId, task }));
    });
  }

  private async setCompleted(ctx: CallContext, ref: string, completed: boolean): Promise<Task> {
    const userId = ctx.principal.userId;
    const { repos } = this.deps.store;
    // Read, then write only if nothing changed in between (one statement with its event, no
    // transaction holding the row); a concurrent change makes us read again.
    for (let attempt = 1; ; attempt++) {
      const before = await this.find(repos, userId, ref);
      if ((before.status === 'completed') === completed) return before;
      const now = this.deps.clock.now();
      // Only these fields change: no need to read the task back.
      const task: Task = {
        ...before,
        status: completed ? 'completed' : 'open',
        completedAt: completed ? now.toISOString() : null,
        updatedAt: now.toISOString(),
      };
      const type: EventType = completed ? 'todo.task.completed.v1' : 'todo.task.reopened.v1';
      const change = {
        userId,
        id: before.id,
        readUpdatedAt: new Date(before.updatedAt),
        completedAt: completed ? now : null,
        updatedAt: now,
      };
      const written = await this.unitOfWork.runStatement(ctx, [pendingEvent(type, task.id, { userId, task })], (writer, events) =>
        writer.tasks.setCompletedWithEvents(change, events),
      );
      if (written) return task;
      if (attempt >= 5) throw new DomainError('CONFLICT', 'the task keeps changing; try again');
    }
  }

  private write<T>(ctx: Pick<CallContext, 'traceparent'>, work: (repos: Repositories, emit: Emit) => Promise<T>): Promise<T> {
    return this.unitOfWork.run(ctx, work);
  }

  private async find(repos: Repositories, userId: string, ref: string): Promise<Task> {
    const key = parseTaskRef(ref);
    const task = 'id' in key ? await repos.tasks.findById(userId, key.id) : await repos.tasks.findByNumber(userId, key.number);
    if (!task) throw new DomainError('TASK_NOT_FOUND', `no task ${ref}`);
    return task;
  }

  private async userZone(repos: Repositories, userId: string): Promise<string> {
    const user = await repos.users.findById(userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    return user.timeZone;
  }

  /** Returns the tag names as stored, in the order reads return them. */
  private async setTags(
    repos: Repositories,
    userId: string,
    taskId: string,
    names: readonly string[],
    now: Date,
    options: { isNew?: boolean } = {},
  ) {
    if (!options.isNew) await repos.tasks.replaceTags(taskId, [], options);
    const tags = await repos.tags.ensureNames(userId, names, () => this.deps.ids.next(), now, taskId);
    return tags.map((t) => t.name).sort(byLowerName);
  }

  /** Referenced rows must be the caller's own: another user's id must not be attachable, nor its existence disclosed. */
  private async checkReferences(
    repos: Repositories,
    userId: string,
    refs: { categoryId: string | null; parentId: string | null },
  ) {
    if (refs.categoryId && !(await repos.categories.find(userId, refs.categoryId))) {
      throw DomainError.field('CATEGORY_NOT_FOUND', 'categoryId', 'no such category');
    }
    if (refs.parentId && !(await repos.tasks.findRow(userId, refs.parentId))) {
      throw DomainError.field('TASK_NOT_FOUND', 'parentId', 'no such parent task');
    }
  }

  private async checkParent(repos: Repositories, userId: string, taskId: string, parentId: string | null) {
    if (!parentId) return;
    if (parentId === taskId || (await repos.tasks.descendantIds(userId, taskId)).includes(parentId)) {
      throw DomainError.field('PARENT_CYCLE', 'parentId', 'a task cannot be a subtask of itself or of its own subtask');
    }
    if (!(await repos.tasks.findRow(userId, parentId)))
      throw DomainError.field('TASK_NOT_FOUND', 'parentId', 'no such parent task');
  }
}
