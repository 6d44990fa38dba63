/** Task → VTODO. */
import ICAL from 'ical.js';
import { alarmOf, reminderKey } from './alarms.js';
import { calendarText, newCalendar } from './calendar.js';
import { readExtras, type Extras } from './extras.js';
import type { TaskForIcal, VtodoOptions } from './types.js';
import { addCategories, instantToIcal, lineEndsAsLf, priorityToIcal, setDue, taskUid } from './values.js';

/** The app's "repeat from completion", which RFC 5545 has no word for: its value is COMPLETION. */
export const REPEAT_FROM_PROPERTY = 'x-todo-repeat-from';

const OPEN_STATES = new Set(['NEEDS-ACTION', 'IN-PROCESS']);
const DONE_STATES = new Set(['COMPLETED', 'CANCELLED']);

/**
 * STATUS, COMPLETED and PERCENT-COMPLETE. The app knows open and completed; a client's finer
 * state (IN-PROCESS, CANCELLED, 40 % done) is kept and written back while it still agrees with
 * the task, and dropped once the task moved to the other side.
 */
function addStatus(todo: ICAL.Component, task: TaskForIcal, extras: Extras): void {
  const kept = (name: string) => extras.properties.find((p) => p.name === name);
  const keptStatus = String(kept('status')?.getFirstValue() ?? '').toUpperCase();
  const done = task.status === 'completed';
  const status = (done ? DONE_STATES : OPEN_STATES).has(keptStatus) ? keptStatus : done ? 'COMPLETED' : 'NEEDS-ACTION';
  todo.addPropertyWithValue('status', status);
  if (done && task.completedAt) todo.addPropertyWithValue('completed', instantToIcal(task.completedAt));
  if (status === 'COMPLETED') todo.addPropertyWithValue('percent-complete', 100);
  const percent = kept('percent-complete');
  if (!done && percent) todo.addProperty(percent);
}

/** The VTODO of a task, and the VTIMEZONEs its kept properties refer to. */
export function taskToVtodoComponent(
  task: TaskForIcal,
  options: VtodoOptions = {},
): { vtodo: ICAL.Component; vtimezones: ICAL.Component[] } {
  const extras = readExtras(options.extras);
  const todo = new ICAL.Component('vtodo');
  todo.addPropertyWithValue('uid', options.uid ?? taskUid(task.id));
  // Without a METHOD, DTSTAMP is when the object was last revised (RFC 5545 §3.8.7.2).
  todo.addPropertyWithValue('dtstamp', instantToIcal(task.updatedAt));
  todo.addPropertyWithValue('created', instantToIcal(task.createdAt));
  todo.addPropertyWithValue('last-modified', instantToIcal(task.updatedAt));
  todo.addPropertyWithValue('sequence', options.sequence ?? 0);
  todo.addPropertyWithValue('summary', lineEndsAsLf(task.title));
  if (task.description) todo.addPropertyWithValue('description', lineEndsAsLf(task.description));
  if (task.priority !== 'none') todo.addPropertyWithValue('priority', priorityToIcal(task.priority));
  if (task.due) {
    const due = new ICAL.Property('due');
    setDue(due, task.due);
    todo.addProperty(due);
  }
  addStatus(todo, task, extras);
  addCategories(todo, task.tags);
  if (task.recurrence) {
    todo.addPropertyWithValue('rrule', ICAL.Recur.fromString(task.recurrence.rule.replace(/^RRULE:/i, '')));
    if (task.recurrence.repeatFrom === 'completion') todo.addPropertyWithValue(REPEAT_FROM_PROPERTY, 'COMPLETION');
  }
  const parentUid = options.parentUid ?? (task.parentId ? taskUid(task.parentId) : null);
  if (parentUid) {
    const related = todo.addPropertyWithValue('related-to', parentUid);
    related.setParameter('reltype', 'PARENT');
  }
  for (const prop of extras.properties) {
    if (prop.name !== 'status' && prop.name !== 'percent-complete') todo.addProperty(prop);
  }
  const used = new Map<string, number>();
  for (const reminder of task.reminders) {
    const key = reminderKey(reminder);
    const index = used.get(key) ?? 0;
    used.set(key, index + 1);
    todo.addSubcomponent(alarmOf(reminder, task.title, extras.alarmDetails.get(key)?.[index]));
  }
  for (const component of extras.components) todo.addSubcomponent(component);
  return { vtodo: todo, vtimezones: extras.vtimezones };
}

/** A task as an iCalendar object (a VCALENDAR holding its VTODO), as a CalDAV resource or an export holds it. */
export function taskToVtodo(task: TaskForIcal, options: VtodoOptions = {}): string {
  const { vtodo, vtimezones } = taskToVtodoComponent(task, options);
  const calendar = newCalendar(options.calendarName);
  for (const zone of vtimezones) calendar.addSubcomponent(zone);
  calendar.addSubcomponent(vtodo);
  return calendarText(calendar);
}
