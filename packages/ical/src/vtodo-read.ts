/**
 * VTODO → task fields. Values are checked by the same schemas as the API's input, and every
 * refusal names the iCalendar property it is about (`SUMMARY`, `DUE`, `VALARM[0].TRIGGER` …).
 * What the app does not model comes back as `extras` (extras.ts).
 */
import ICAL from 'ical.js';
import {
  DomainError,
  TaskCreate,
  isDomainError,
  normalizeRecurrence,
  type ErrorCode,
  type ReminderInput,
  type TaskStatus,
} from '@todo/domain';
import { reminderKey, reminderOfAlarm, type AlarmContext } from './alarms.js';
import { ExtrasBuilder } from './extras.js';
import type { ParseOptions, ParsedVtodo, VtodoFields } from './types.js';
import { REPEAT_FROM_PROPERTY } from './vtodo-write.js';
import {
  PropertyError,
  dueOf,
  firstValue,
  instantOf,
  isPriorityValue,
  localText,
  priorityFromIcal,
  taskIdOfUid,
} from './values.js';

const FieldsSchema = TaskCreate.pick({
  title: true,
  description: true,
  priority: true,
  due: true,
  recurrence: true,
  reminders: true,
  tags: true,
});

/** Which property a field of the task comes from, for errors. */
const PROPERTY_OF_FIELD: Record<keyof VtodoFields, string> = {
  title: 'SUMMARY',
  description: 'DESCRIPTION',
  priority: 'PRIORITY',
  due: 'DUE',
  recurrence: 'RRULE',
  reminders: 'VALARM',
  tags: 'CATEGORIES',
};

const VTODO_STATES = new Set(['NEEDS-ACTION', 'IN-PROCESS', 'COMPLETED', 'CANCELLED']);
/** Properties written from the task's fields (DTSTAMP too: it says when the object was written). */
const MODELLED = new Set([
  'uid',
  'summary',
  'description',
  'priority',
  'due',
  'status',
  'completed',
  'percent-complete',
  'categories',
  'rrule',
  'related-to',
  'sequence',
  'last-modified',
  'dtstamp',
  'created',
  REPEAT_FROM_PROPERTY,
]);

const invalid = (code: ErrorCode, field: string, message: string) => DomainError.field(code, field, `${field}: ${message}`);

function rootOf(text: string): ICAL.Component {
  if (typeof text !== 'string' || text.trim() === '') throw invalid('VALIDATION_FAILED', 'VCALENDAR', 'no iCalendar text');
  try {
    return new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    throw invalid('VALIDATION_FAILED', 'VCALENDAR', `not iCalendar: ${(error as Error).message.slice(0, 200)}`);
  }
}

/** Reads one VTODO (alone, or the one VTODO of a VCALENDAR). */
export function parseVtodo(text: string, options: ParseOptions = {}): ParsedVtodo {
  try {
    const root = rootOf(text);
    assertIntegers(text);
    return readTodo(root, options.timeZone ?? 'UTC');
  } catch (error) {
    if (error instanceof PropertyError) throw invalid(error.code, error.property, error.message);
    if (isDomainError(error)) throw error;
    throw invalid('VALIDATION_FAILED', 'VTODO', (error as Error).message.slice(0, 200));
  }
}

function readTodo(root: ICAL.Component, floatingZone: string): ParsedVtodo {
  const todos = root.name === 'vtodo' ? [root] : root.getAllSubcomponents('vtodo');
  if (todos.length !== 1) {
    throw new PropertyError(
      'VTODO',
      todos.length ? 'one VTODO per object (RECURRENCE-ID overrides are not supported)' : 'no VTODO in the calendar',
    );
  }
  const todo = todos[0]!;
  const vtimezones = root.getAllSubcomponents('vtimezone');
  const extras = new ExtrasBuilder();
  const first = (name: string) => todo.getFirstProperty(name);
  const kept = new Set<ICAL.Property>();
  const keep = (prop: ICAL.Property) => {
    kept.add(prop);
    extras.keepProperty(prop);
  };

  const uid = first('uid') ? String(firstValue(first('uid')!)).trim() : '';
  if (!uid) throw new PropertyError('UID', 'a VTODO needs a UID');
  const dueProp = first('due');
  const due = dueProp ? dueOf(dueProp, vtimezones) : null;
  const priorityValue = first('priority') ? firstValue<unknown>(first('priority')!) : 0;
  if (!isPriorityValue(priorityValue)) throw new PropertyError('PRIORITY', 'must be an integer from 0 to 9');

  let status: TaskStatus = 'open';
  const statusProp = first('status');
  if (statusProp) {
    const value = String(firstValue(statusProp)).toUpperCase();
    if (!VTODO_STATES.has(value)) throw new PropertyError('STATUS', 'must be NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED');
    if (value === 'COMPLETED' || value === 'CANCELLED') status = 'completed';
    if (value === 'IN-PROCESS' || value === 'CANCELLED') keep(statusProp);
  }
  const percentProp = first('percent-complete');
  if (percentProp) {
    const percent = firstValue<number>(percentProp);
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw new PropertyError('PERCENT-COMPLETE', 'must be an integer from 0 to 100');
    if (percent === 100) status = 'completed';
    else if (percent > 0) keep(percentProp);
  }
  const completedProp = first('completed');
  const completedAt = completedProp ? instantOf(completedProp, floatingZone, vtimezones) : null;
  if (completedAt) status = 'completed';

  let recurrence: VtodoFields['recurrence'] = null;
  const rrules = todo.getAllProperties('rrule');
  if (rrules.length > 1) throw new PropertyError('RRULE', 'only one RRULE per task', 'INVALID_RECURRENCE');
  if (rrules[0] && !due) {
    // The app anchors a series on its due: without one, the rule is the client's alone.
    keep(rrules[0]);
    if (first(REPEAT_FROM_PROPERTY)) keep(first(REPEAT_FROM_PROPERTY)!);
  } else if (rrules[0]) {
    const rule = recurrenceRule(String(firstValue<ICAL.Recur>(rrules[0])));
    const from = first(REPEAT_FROM_PROPERTY) ? String(firstValue(first(REPEAT_FROM_PROPERTY)!)).toUpperCase() : 'DUE';
    recurrence = { rule, repeatFrom: from === 'COMPLETION' ? 'completion' : 'due' };
  }

  const parentProp = todo
    .getAllProperties('related-to')
    .find((p) => String(p.getParameter('reltype') ?? 'PARENT').toUpperCase() === 'PARENT');
  const parentUid = parentProp ? String(firstValue(parentProp)).trim() || null : null;
  const sequence = first('sequence') ? firstValue<unknown>(first('sequence')!) : 0;
  if (!Number.isInteger(sequence) || (sequence as number) < 0)
    throw new PropertyError('SEQUENCE', 'must be a non-negative integer');
  const instant = (name: string) => {
    const prop = first(name);
    return prop ? instantOf(prop, floatingZone, vtimezones) : null;
  };
  const tags = [
    ...new Set(todo.getAllProperties('categories').flatMap((p) => p.getValues().map((v) => String(v).trim()))),
  ].filter(Boolean);

  const reminders = readAlarms(todo, extras, { hasDue: Boolean(due), startIsDue: startIsDue(todo), floatingZone, vtimezones });
  // The first property of each modelled name was read (a second DESCRIPTION is kept as it came).
  const read = new Set([...MODELLED].map((name) => (name === 'related-to' ? parentProp : first(name))));
  for (const prop of todo.getAllProperties()) {
    if (!kept.has(prop) && !read.has(prop) && prop.name !== 'categories') extras.keepProperty(prop);
  }

  const fields = validated({
    title: String(first('summary') ? firstValue(first('summary')!) : ''),
    description: first('description') ? String(firstValue(first('description')!)) : '',
    priority: priorityFromIcal(priorityValue),
    due,
    recurrence,
    reminders,
    tags,
  });
  const taskId = taskIdOfUid(uid);
  const parentId = parentUid ? taskIdOfUid(parentUid) : null;
  return {
    uid,
    taskId,
    fields,
    status,
    completedAt,
    parentUid,
    parentId,
    sequence: sequence as number,
    createdAt: instant('created'),
    updatedAt: instant('last-modified'),
    extras: extras.finish(vtimezones),
  };
}

function recurrenceRule(text: string): string {
  try {
    return normalizeRecurrence(text, 'RRULE').rule;
  } catch (error) {
    throw new PropertyError('RRULE', (error as Error).message, 'INVALID_RECURRENCE');
  }
}

/**
 * Integer properties as the text has them: ical.js reads "high" as 0, which would pass for
 * "no priority". Lines are unfolded first (RFC 5545 §3.1).
 */
function assertIntegers(text: string): void {
  for (const match of text.replace(/\r?\n[ \t]/g, '').matchAll(/^(PRIORITY|SEQUENCE|PERCENT-COMPLETE)(?:;[^:\r\n]*)?:(.*)$/gim)) {
    if (!/^[+-]?\d{1,9}$/.test(match[2]!.trim())) throw new PropertyError(match[1]!.toUpperCase(), 'must be an integer');
  }
}

function startIsDue(todo: ICAL.Component): boolean {
  const start = todo.getFirstProperty('dtstart');
  const due = todo.getFirstProperty('due');
  if (!start) return true;
  if (!due) return false;
  const same = (p: ICAL.Property) =>
    `${localText(firstValue<ICAL.Time>(p))}/${String(p.getParameter('tzid') ?? '')}/${String(firstValue<ICAL.Time>(p).zone?.tzid)}`;
  return same(start) === same(due);
}

function readAlarms(todo: ICAL.Component, extras: ExtrasBuilder, ctx: AlarmContext): ReminderInput[] {
  const reminders: ReminderInput[] = [];
  let alarms = 0;
  for (const component of todo.getAllSubcomponents()) {
    const reminder = component.name === 'valarm' ? reminderOfAlarm(component, `VALARM[${alarms++}]`, ctx) : null;
    if (!reminder) extras.keepComponent(component);
    else {
      reminders.push(reminder);
      extras.keepAlarmDetails(reminderKey(reminder), component);
    }
  }
  return reminders;
}

function validated(candidate: VtodoFields): VtodoFields {
  const result = FieldsSchema.safeParse(candidate);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const [field, index] = issue.path as [keyof VtodoFields, unknown];
    const property = PROPERTY_OF_FIELD[field] ?? 'VTODO';
    return {
      field: property,
      message: `${property}${field === 'reminders' && typeof index === 'number' ? ` (alarm ${index + 1})` : ''}: ${issue.message}`,
    };
  });
  throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('; '), issues);
}
