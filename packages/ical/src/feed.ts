/**
 * The read-only calendar feed: dated tasks as VEVENTs. Calendar apps that subscribe to a URL
 * (Google Calendar, Apple Calendar, Outlook) show events and ignore or hide VTODOs, so the feed
 * speaks events; the VTODO mapping is for clients that sync tasks (CalDAV).
 *
 * An all-day due is an all-day event; a timed due an event at the due instant, in UTC, so the
 * feed needs no VTIMEZONE. Each occurrence of a recurring task is its own task, so its own
 * event: an RRULE here would show occurrences the app has not created yet, twice once it has.
 * Tasks are TRANSPARENT (they do not make their owner busy). Reminders stay the app's: alarms
 * in a subscribed calendar would remind a second time.
 */
import ICAL from 'ical.js';
import { addDaysToDate, type Due, type Priority, type TaskStatus } from '@todo/domain';
import { calendarText, newCalendar } from './calendar.js';
import { addCategories, instantToIcal, lineEndsAsLf, priorityToIcal, setDue, taskUid } from './values.js';

export interface FeedTask {
  id: string;
  title: string;
  description: string;
  priority: Priority;
  status: TaskStatus;
  due: Due | null;
  dueAt: string | null;
  tags: readonly string[];
  createdAt: string;
  updatedAt: string;
}

/** How often subscribers should fetch the feed again (REFRESH-INTERVAL, RFC 7986). */
const REFRESH = 'PT1H';
export const COMPLETED_MARK = '✓ ';

function eventOf(task: FeedTask): ICAL.Component | null {
  if (!task.due || !task.dueAt) return null;
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', taskUid(task.id));
  // Without a METHOD, DTSTAMP is when the object was last revised (RFC 5545 §3.8.7.2): the
  // feed's bytes, and so its ETag, change only when a task does.
  event.addPropertyWithValue('dtstamp', instantToIcal(task.updatedAt));
  event.addPropertyWithValue('created', instantToIcal(task.createdAt));
  event.addPropertyWithValue('last-modified', instantToIcal(task.updatedAt));
  event.addPropertyWithValue(
    'summary',
    lineEndsAsLf(task.status === 'completed' ? `${COMPLETED_MARK}${task.title}` : task.title),
  );
  if (task.description) event.addPropertyWithValue('description', lineEndsAsLf(task.description));
  const start = new ICAL.Property('dtstart');
  if ('date' in task.due) {
    setDue(start, task.due);
    const end = new ICAL.Property('dtend');
    setDue(end, { date: addDaysToDate(task.due.date, 1) });
    event.addProperty(start);
    event.addProperty(end);
  } else {
    start.setValue(instantToIcal(task.dueAt));
    event.addProperty(start);
  }
  event.addPropertyWithValue('transp', 'TRANSPARENT');
  if (task.priority !== 'none') event.addPropertyWithValue('priority', priorityToIcal(task.priority));
  addCategories(event, task.tags);
  return event;
}

/** The feed's text: one VEVENT per task with a due, in the order given. */
export function tasksToFeed(tasks: readonly FeedTask[], options: { name: string }): string {
  const calendar = newCalendar(options.name);
  calendar.addPropertyWithValue('refresh-interval', ICAL.Duration.fromString(REFRESH));
  calendar.addPropertyWithValue('x-published-ttl', REFRESH);
  for (const task of tasks) {
    const event = eventOf(task);
    if (event) calendar.addSubcomponent(event);
  }
  return calendarText(calendar);
}
