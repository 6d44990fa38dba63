/**
 * @module @todo/ical — tasks as iCalendar (RFC 5545): task ↔ VTODO both ways, for CalDAV,
 * export and import, and dated tasks as a VEVENT feed for calendar apps that subscribe.
 * Pure: text in, text out, no I/O (docs/calendar.md has the mapping table).
 * @example
 *   const text = taskToVtodo(task);             // BEGIN:VCALENDAR … BEGIN:VTODO … UID:<id>@todo-app
 *   const { fields, extras } = parseVtodo(text); // fields ready for TaskCreate; extras kept for the next write
 */
export { taskToVtodo, taskToVtodoComponent, REPEAT_FROM_PROPERTY } from './vtodo-write.js';
export { parseVtodo } from './vtodo-read.js';
export { tasksToFeed, COMPLETED_MARK, type FeedTask } from './feed.js';
export { taskUid, taskIdOfUid, priorityToIcal, priorityFromIcal, UID_DOMAIN } from './values.js';
export type { TaskForIcal, VtodoOptions, VtodoFields, ParsedVtodo, ParseOptions } from './types.js';
