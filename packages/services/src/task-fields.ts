/** Turns validated task input into stored fields, enforcing the rules that span fields. */
import {
  DomainError,
  assertRepeatsBeforeUntil,
  dueAnchor,
  normalizeRecurrence,
  requireDueFor,
  resolveDue,
  type Due,
  type DueFields,
  type RecurrenceInput,
  type Reminder,
  type ReminderInput,
  type Task,
} from '@todo/domain';
import type { ReminderJson, ReminderWrite } from '@todo/storage';

export interface RecurrenceFields {
  recurrenceRule: string | null;
  repeatFrom: 'due' | 'completion' | null;
}

/**
 * `userTimeZone` is given when the rule is new input: a new rule must repeat at least once after
 * the due. A stored rule kept across a due change is not re-judged (moving the last occurrence
 * of a series past its UNTIL is fine).
 */
export function recurrenceFields(input: RecurrenceInput | null, due: DueFields, userTimeZone?: string): RecurrenceFields {
  if (!input) return { recurrenceRule: null, repeatFrom: null };
  if (!due.dueDate) requireDueFor('recurrence', 'recurrence');
  const rule = normalizeRecurrence(input.rule, 'recurrence.rule').rule;
  if (userTimeZone !== undefined) assertRepeatsBeforeUntil(rule, dueAnchor(due)!, due.dueZone ?? userTimeZone);
  return { recurrenceRule: rule, repeatFrom: input.repeatFrom };
}

/**
 * Reminder rows for a task. A reminder the task already has (same type and value) keeps its id
 * and its snooze, so re-sending an unchanged list never makes a reminder that already fired
 * look new and fire again.
 */
export function reminderRows(
  list: readonly ReminderInput[],
  due: DueFields,
  newId: () => string,
  existing: readonly Reminder[] = [],
): ReminderWrite[] {
  const keyOf = (r: ReminderInput | Reminder) =>
    r.type === 'relative' ? `r:${r.minutesBefore}` : `a:${new Date(r.at).getTime()}`;
  const kept = new Map(existing.map((r) => [keyOf(r), r]));
  return list.map((r, i) => {
    if (r.type === 'relative' && !due.dueDate) requireDueFor('reminder', `reminders.${i}.minutesBefore`);
    const same = kept.get(keyOf(r));
    kept.delete(keyOf(r));
    const identity = { id: same?.id ?? newId(), snoozedUntil: same?.snoozedUntil ? new Date(same.snoozedUntil) : null };
    return r.type === 'relative'
      ? { ...identity, kind: 'relative', minutesBefore: r.minutesBefore, at: null }
      : { ...identity, kind: 'absolute', minutesBefore: null, at: new Date(r.at) };
  });
}

export function dueFields(due: Due | null, userTimeZone: string): DueFields {
  return resolveDue(due, userTimeZone);
}

export const anchorOf = dueAnchor;

/** `#12`, `12` or a UUID: how people and assistants refer to a task. */
export function parseTaskRef(ref: string): { id: string } | { number: number } {
  const trimmed = ref.trim();
  const numeric = /^#?(\d{1,9})$/.exec(trimmed);
  if (numeric) return { number: Number(numeric[1]) };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)) return { id: trimmed.toLowerCase() };
  throw new DomainError('TASK_NOT_FOUND', 'no such task: refer to it by its id or its number, e.g. 12 or #12');
}

/** Tag names in the order reads return them (case-insensitive). */
export const byLowerName = (a: string, b: string): number =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;

/** The first spelling of each name, compared case-insensitively (tags are unique that way). */
export function distinctNames(names: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const name of names) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  return [...byKey.values()];
}

/** Reminders as reads return them, for a task built from what is written. */
export const reminderJson = (list: readonly ReminderWrite[]): ReminderJson[] =>
  list.map((r) => ({
    id: r.id,
    kind: r.kind,
    minutesBefore: r.minutesBefore,
    at: r.at?.toISOString() ?? null,
    snoozedUntil: r.snoozedUntil?.toISOString() ?? null,
  }));

export const reminderWriteOf = (r: Task['reminders'][number]): ReminderWrite =>
  r.type === 'relative'
    ? {
        id: r.id,
        kind: 'relative',
        minutesBefore: r.minutesBefore,
        at: null,
        snoozedUntil: r.snoozedUntil ? new Date(r.snoozedUntil) : null,
      }
    : {
        id: r.id,
        kind: 'absolute',
        minutesBefore: null,
        at: new Date(r.at),
        snoozedUntil: r.snoozedUntil ? new Date(r.snoozedUntil) : null,
      };

export const reminderJsonOf = (r: Task['reminders'][number]): ReminderJson => reminderJson([reminderWriteOf(r)])[0]!;
