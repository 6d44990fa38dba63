/**
 * Quick add's parsed parts → the task to create, and the optimistic row shown until the server
 * answers. Pure: the caller resolves the date (a series starts at its first occurrence, which
 * needs the API) and the category id first.
 */
import type { Task, TaskInput } from '../api.js';
import type { QuickAdd } from '../quickadd.js';

export function quickAddInput(parsed: QuickAdd, date: string | null, categoryId: string | undefined): TaskInput {
  return {
    title: parsed.title,
    ...(parsed.priority ? { priority: parsed.priority } : {}),
    ...(date ? { due: parsed.time ? { dateTime: `${date}T${parsed.time}`, timeZone: null } : { date } } : {}),
    ...(parsed.recurrence ? { recurrence: { rule: parsed.recurrence, repeatFrom: 'due' } } : {}),
    ...(parsed.tags.length ? { tags: parsed.tags } : {}),
    ...(parsed.remindersMinutesBefore.length
      ? { reminders: parsed.remindersMinutesBefore.map((m) => ({ type: 'relative' as const, minutesBefore: m })) }
      : {}),
    ...(categoryId !== undefined ? { categoryId } : {}),
  };
}

/** `id` should start with "tmp-": TaskRow shows such a row as pending (greyed, disabled, "#…"). */
export function optimisticTask(id: string, parsed: QuickAdd, input: TaskInput, now: string): Task {
  return {
    id,
    number: 0,
    title: parsed.title,
    description: '',
    priority: parsed.priority ?? 'none',
    status: 'open',
    completedAt: null,
    due: input.due ?? null,
    dueAt: null,
    recurrence: parsed.recurrence ? { rule: '', repeatFrom: 'due', text: parsed.recurrence } : null,
    reminders: [],
    categoryId: input.categoryId ?? null,
    tags: parsed.tags,
    parentId: null,
    seriesId: null,
    occurrenceIndex: null,
    createdAt: now,
    updatedAt: now,
  };
}
