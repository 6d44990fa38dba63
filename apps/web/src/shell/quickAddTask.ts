/**
 * Quick add's parsed parts → the task to create, and the optimistic row shown until the server
 * answers. Pure: the caller resolves the due first (a series typed without a date starts at the
 * rule's first date, which takes the API) and the project id.
 */
import type { TaskPhrase } from '@todo/domain';
import type { Due, Task, TaskInput } from '../api.js';

export function quickAddInput(parsed: TaskPhrase, due: Due | null, projectId: string | undefined): TaskInput {
  return {
    title: parsed.title,
    ...(parsed.priority ? { priority: parsed.priority } : {}),
    ...(due ? { due } : {}),
    ...(parsed.recurrence ? { recurrence: { rule: parsed.recurrence.rule, repeatFrom: 'due' as const } } : {}),
    ...(parsed.tags.length ? { tags: parsed.tags } : {}),
    ...(parsed.remindersMinutesBefore.length
      ? { reminders: parsed.remindersMinutesBefore.map((m) => ({ type: 'relative' as const, minutesBefore: m })) }
      : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  };
}

/**
 * Where a series typed without a date starts: its first date from `today` on (`firstDate`, from
 * the API's recurrence preview), at the typed time if any. Otherwise the parsed due.
 */
export function quickAddDue(parsed: TaskPhrase, firstDate: string | null, timeZone: string): Due | null {
  if (parsed.due || !parsed.recurrence || firstDate === null) return parsed.due;
  return parsed.time ? { dateTime: `${firstDate}T${parsed.time}:00`, timeZone } : { date: firstDate };
}

/** `id` should start with "tmp-": TaskRow shows such a row as pending (greyed, disabled, "#…"). */
export function optimisticTask(id: string, parsed: TaskPhrase, input: TaskInput, now: string): Task {
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
    recurrence: parsed.recurrence ? { rule: parsed.recurrence.rule, repeatFrom: 'due', text: parsed.recurrence.text } : null,
    reminders: [],
    projectId: input.projectId ?? '',
    projectNumber: 0,
    tags: parsed.tags,
    parentId: null,
    assigneeId: null,
    seriesId: null,
    occurrenceIndex: null,
    createdAt: now,
    updatedAt: now,
  };
}
