/**
 * A planned task as the task write a create makes (task.service.ts `create`): the same field
 * rules (due, recurrence, reminders), the same `todo.task.created.v1` event, plus its import key.
 */
import { DomainError, TaskCreate, assertSafeText, pendingEvent, priorityRank } from '@todo/domain';
import { taskFromRow } from '@todo/storage';
import type { PendingTaskWrite } from '../unit-of-work.js';
import { anchorOf, distinctNames, dueFields, recurrenceFields, reminderJson, reminderRows } from '../task-fields.js';
import type { ImportFormat, PlannedTask } from './plan.js';

/** The fields as the API takes them for a new task. */
const FIELDS = TaskCreate.pick({
  title: true,
  description: true,
  priority: true,
  due: true,
  recurrence: true,
  reminders: true,
  tags: true,
});

export interface RowContext {
  userId: string;
  timeZone: string;
  now: Date;
  newId: () => string;
  format: ImportFormat;
}

/** The insert for `task`, with its id chosen beforehand (its subtasks refer to it). Throws a DomainError for a field the app refuses. */
export function importWrite(
  task: PlannedTask,
  placed: { id: string; projectId: string; parentId: string | null },
  ctx: RowContext,
): PendingTaskWrite {
  // What the API's input check refuses (NUL, lone surrogates) is refused here too: the file is input.
  assertSafeText({ title: task.title, description: task.description, tags: task.tags });
  const {
    title,
    description,
    priority,
    due: dueInput,
    recurrence: recurrenceInput,
    reminders: reminderInput,
    tags: tagNames,
  } = task;
  const fields = FIELDS.safeParse({
    title,
    description,
    priority,
    due: dueInput,
    recurrence: recurrenceInput,
    reminders: reminderInput,
    tags: tagNames,
  });
  if (!fields.success) {
    const issue = fields.error.issues[0]!;
    const field = issue.path.join('.') || 'task';
    throw DomainError.field('VALIDATION_FAILED', field, `${field}: ${issue.message}`);
  }
  const due = dueFields(task.due, ctx.timeZone);
  const recurrence = recurrenceFields(task.recurrence, due);
  const reminders = reminderRows(task.reminders, due, ctx.newId);
  const { id } = placed;
  const completedAt = task.completed ? completionTime(task.completedAt, ctx.now) : null;
  const row = {
    id,
    userId: ctx.userId,
    number: null,
    title: task.title,
    description: task.description,
    priority: priorityRank(task.priority),
    completedAt,
    ...due,
    ...recurrence,
    seriesId: recurrence.recurrenceRule ? id : null,
    occurrenceIndex: recurrence.recurrenceRule ? 0 : null,
    seriesStart: recurrence.recurrenceRule ? anchorOf(due) : null,
    projectId: placed.projectId,
    projectNumber: null,
    parentId: placed.parentId,
    icalUid: null,
    icalName: null,
    icalExtras: null,
    assigneeId: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const tags = distinctNames(task.tags).map((name) => ({ id: ctx.newId(), name }));
  const event = taskFromRow(
    { ...row, number: 0, projectNumber: 0 },
    tags.map((t) => t.name),
    reminderJson(reminders),
  );
  return {
    op: 'insert',
    row,
    tags,
    reminders,
    events: [pendingEvent('todo.task.created.v1', id, { userId: ctx.userId, task: event })],
    importKey: { source: ctx.format, externalId: task.externalId },
  };
}

/** A completion time from the file if it is a real past instant, else the import's. */
function completionTime(at: string | null, now: Date): Date {
  const time = at ? new Date(at) : null;
  return time && !Number.isNaN(time.getTime()) && time <= now && time.getUTCFullYear() >= 1970 ? time : now;
}
