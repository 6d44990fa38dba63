/** What the iCalendar mapping reads from a task and what it gives back from a VTODO. */
import type { Due, Priority, RecurrenceInput, ReminderInput, RepeatFrom, TaskStatus } from '@todo/domain';

/**
 * The task fields the mapping writes. A `Task` of the API is one; reminders may carry more
 * (ids, snoozes) than the mapping reads.
 */
export interface TaskForIcal {
  id: string;
  title: string;
  description: string;
  priority: Priority;
  status: TaskStatus;
  completedAt: string | null;
  due: Due | null;
  recurrence: { rule: string; repeatFrom: RepeatFrom } | null;
  reminders: readonly ReminderInput[];
  tags: readonly string[];
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VtodoOptions {
  /** The task's UID; default `<id>@todo-app`. A client-made task keeps the UID its client gave it. */
  uid?: string;
  /** The parent's UID when it is not `<parentId>@todo-app`. */
  parentUid?: string | null;
  /** SEQUENCE: the caller counts significant changes (CalDAV keeps it with the task). */
  sequence?: number;
  /** What `parseVtodo` returned as `extras`: put back into the VTODO unchanged. */
  extras?: string;
  /** The grouping (a project) the task belongs to, as the calendar's display name. */
  calendarName?: string;
}

/** The task fields a VTODO carries, validated with the domain's schemas: ready for `TaskCreate`/`TaskPatch`. */
export interface VtodoFields {
  title: string;
  description: string;
  priority: Priority;
  due: Due | null;
  recurrence: RecurrenceInput | null;
  reminders: ReminderInput[];
  tags: string[];
}

export interface ParsedVtodo {
  uid: string;
  /** The task's id when the UID is one this app made (`<id>@todo-app`); null for a client's own UID. */
  taskId: string | null;
  fields: VtodoFields;
  status: TaskStatus;
  /** When it was completed (COMPLETED), or null: open, or completed without saying when. */
  completedAt: string | null;
  parentUid: string | null;
  parentId: string | null;
  sequence: number;
  createdAt: string | null;
  updatedAt: string | null;
  /**
   * The properties and components the app does not model, as iCalendar text: opaque to the
   * caller, given back to `taskToVtodo` so that a client's own data survives a round trip.
   */
  extras: string;
}

export interface ParseOptions {
  /** The zone a floating COMPLETED or alarm time is read in (the user's); default UTC. */
  timeZone?: string;
}
