/**
 * The editor's form as one value, by the task field each part edits: what a save sends for the
 * fields the user changed, and which fields two versions of a task differ in (to merge a change
 * made elsewhere, or to show both sides when it touched what the user is typing). Pure.
 */
import type { Priority, Task, TaskInput } from '../api.js';
import { dueForm, dueInput, reminderInputs, reminderRows, tagList, type DueForm, type ReminderRow } from './taskForm.js';

export interface EditorForm {
  title: string;
  description: string;
  priority: Priority;
  due: DueForm;
  rule: string;
  repeatFrom: 'due' | 'completion';
  reminders: ReminderRow[];
  projectId: string;
  tags: string;
}

/** A task field the editor writes; `recurrence` is the rule and repeat-from together. */
export type TaskField = 'title' | 'description' | 'priority' | 'due' | 'recurrence' | 'reminders' | 'projectId' | 'tags';

export const FIELD_OF: Record<keyof EditorForm, TaskField> = {
  title: 'title',
  description: 'description',
  priority: 'priority',
  due: 'due',
  rule: 'recurrence',
  repeatFrom: 'recurrence',
  reminders: 'reminders',
  projectId: 'projectId',
  tags: 'tags',
};

export const FIELD_LABELS: Record<TaskField, string> = {
  title: 'Title',
  description: 'Description',
  priority: 'Priority',
  due: 'Due',
  recurrence: 'Repeat',
  reminders: 'Reminders',
  projectId: 'Project',
  tags: 'Tags',
};

/** The zone reminders are shown in: the due's own, else the user's. */
export const formZone = (form: Pick<EditorForm, 'due'>, userZone: string): string =>
  (form.due.kind === 'datetime' && form.due.zone) || userZone;

/** The parts of the form for `fields`, from `task`. */
export function formFromTask(task: Task, userZone: string): EditorForm {
  const due = dueForm(task.due);
  return {
    title: task.title,
    description: task.description,
    priority: task.priority,
    due,
    rule: task.recurrence?.rule ?? '',
    repeatFrom: task.recurrence?.repeatFrom ?? 'due',
    reminders: reminderRows(task.reminders, formZone({ due }, userZone)),
    projectId: task.projectId ?? '',
    tags: task.tags.join(', '),
  };
}

/** The form's parts that edit `fields`, taken from `from`; the rest of `form` stays. */
export function withFields(form: EditorForm, from: EditorForm, fields: readonly TaskField[]): EditorForm {
  const next = { ...form };
  for (const key of Object.keys(FIELD_OF) as (keyof EditorForm)[]) {
    if (fields.includes(FIELD_OF[key])) (next as Record<string, unknown>)[key] = from[key];
  }
  return next;
}

/** What a save sends for `fields` (only those: a field changed elsewhere and not here is left alone). */
export function patchFor(form: EditorForm, fields: readonly TaskField[], userZone: string): TaskInput {
  const all: { [F in TaskField]: TaskInput[F] } = {
    title: form.title,
    description: form.description,
    priority: form.priority,
    due: dueInput(form.due),
    recurrence: form.rule.trim() ? { rule: form.rule.trim(), repeatFrom: form.repeatFrom } : null,
    reminders: reminderInputs(form.reminders, formZone(form, userZone)),
    // Every task is in a project: an unset one is left as it is.
    projectId: form.projectId || undefined,
    tags: tagList(form.tags),
  };
  return Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]])) as TaskInput;
}

/** A field of a task as text: equal texts mean the same value; also what the "changed elsewhere" bar shows. */
export function fieldText(task: Task, field: TaskField, projectNames: ReadonlyMap<string, string> = new Map()): string {
  switch (field) {
    case 'due':
      return !task.due ? 'none' : 'date' in task.due ? task.due.date : `${task.due.dateTime.replace('T', ' ')}${task.due.timeZone ? ` ${task.due.timeZone}` : ''}`;
    case 'recurrence':
      return task.recurrence ? `${task.recurrence.text} (from ${task.recurrence.repeatFrom})` : 'does not repeat';
    case 'reminders':
      return (
        task.reminders.map((r) => (r.type === 'relative' ? `${r.minutesBefore} min before` : `at ${r.at}`)).join(', ') || 'none'
      );
    case 'projectId':
      return task.projectId ? (projectNames.get(task.projectId) ?? task.projectId) : 'none';
    case 'tags':
      return task.tags.join(', ') || 'none';
    case 'title':
    case 'description':
    case 'priority':
      return task[field];
  }
}

const ALL_FIELDS = Object.keys(FIELD_LABELS) as TaskField[];

/** The fields in which two versions of a task differ. */
export const changedFields = (a: Task, b: Task): TaskField[] => ALL_FIELDS.filter((f) => fieldText(a, f) !== fieldText(b, f));

/** A field of the form as the bar shows it next to `fieldText` of the other version. */
export function formText(form: EditorForm, field: TaskField, userZone: string, projectNames: ReadonlyMap<string, string>): string {
  const patch = patchFor(form, [field], userZone);
  switch (field) {
    case 'recurrence':
      return patch.recurrence ? `${patch.recurrence.rule} (from ${patch.recurrence.repeatFrom})` : 'does not repeat';
    case 'reminders':
      return (
        (patch.reminders ?? [])
          .map((r) => (r.type === 'relative' ? `${r.minutesBefore} min before` : `at ${r.at}`))
          .join(', ') || 'none'
      );
    case 'due': {
      const due = patch.due;
      return !due ? 'none' : 'date' in due ? due.date : `${due.dateTime.replace('T', ' ')}${due.timeZone ? ` ${due.timeZone}` : ''}`;
    }
    case 'projectId':
      return form.projectId ? (projectNames.get(form.projectId) ?? form.projectId) : 'none';
    case 'tags':
      return tagList(form.tags).join(', ') || 'none';
    case 'title':
    case 'description':
    case 'priority':
      return form[field];
  }
}
