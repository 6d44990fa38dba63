/**
 * The task's wire shape, as zod schemas. The same schemas validate REST bodies,
 * MCP tool arguments and event payloads, and generate the OpenAPI document.
 */
import { z } from 'zod';
import { UNSUPPORTED_YEAR_MESSAGE, isSupportedYearText } from '../time/local.js';

export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export const Priority = z.enum(PRIORITIES).describe('How important the task is');
export type Priority = z.infer<typeof Priority>;

export const TaskStatus = z.enum(['open', 'completed']);
export type TaskStatus = z.infer<typeof TaskStatus>;

const id = () => z.uuid({ message: 'must be a UUID' });

// Dates and instants a user gives must lie in the supported years (SUPPORTED_YEARS).
export const LocalDate = z.iso
  .date({ message: 'must be a date YYYY-MM-DD' })
  .refine(isSupportedYearText, UNSUPPORTED_YEAR_MESSAGE);
// A real calendar date (zod's own date pattern: month lengths, leap years), then a real time of
// day: so the OpenAPI document says which date-times exist, not only their digits.
const LOCAL_DATE_TIME = new RegExp(`${z.regexes.date.source.slice(0, -1)}T(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?$`);
export const LocalDateTime = z
  .string()
  .regex(LOCAL_DATE_TIME, 'must be a local date-time YYYY-MM-DDTHH:mm[:ss] without offset')
  .refine(isSupportedYearText, UNSUPPORTED_YEAR_MESSAGE);
/** An ISO instant with `Z` or an offset, as input. */
export const Instant = z.iso.datetime({ offset: true }).refine(isSupportedYearText, UNSUPPORTED_YEAR_MESSAGE);
export const TimeZoneName = z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Berlin');

export const AllDayDue = z.strictObject({ date: LocalDate }).describe('All-day: due some time on this date');
export const TimedDue = z
  .strictObject({
    dateTime: LocalDateTime,
    timeZone: TimeZoneName.nullable().describe('IANA zone, or null for floating (the user’s current zone)'),
  })
  .describe('Due at a wall-clock time');
export const Due = z.union([AllDayDue, TimedDue]);
export type Due = z.infer<typeof Due>;

export const RepeatFrom = z.enum(['due', 'completion']);
export type RepeatFrom = z.infer<typeof RepeatFrom>;

export const RecurrenceInput = z.strictObject({
  rule: z.string().trim().min(1).max(300).describe('RFC 5545 RRULE or an English phrase such as "every weekday"'),
  repeatFrom: RepeatFrom.default('due'),
});
export type RecurrenceInput = z.infer<typeof RecurrenceInput>;

export const Recurrence = z.object({
  rule: z.string().describe('Normalised RRULE'),
  repeatFrom: RepeatFrom,
  text: z.string().describe('The rule in plain English'),
});
export type Recurrence = z.infer<typeof Recurrence>;

const MAX_MINUTES_BEFORE = 60 * 24 * 366;
export const ReminderInput = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('relative'),
    minutesBefore: z.int().min(0).max(MAX_MINUTES_BEFORE),
  }),
  z.strictObject({ type: z.literal('absolute'), at: Instant }),
]);
export type ReminderInput = z.infer<typeof ReminderInput>;

const snoozedUntil = z.iso.datetime().nullable().optional().describe('Set by snooze: fires at this instant instead, once');
export const Reminder = z.discriminatedUnion('type', [
  z.object({ id: id(), type: z.literal('relative'), minutesBefore: z.int(), snoozedUntil }),
  z.object({ id: id(), type: z.literal('absolute'), at: z.iso.datetime({ offset: true }), snoozedUntil }),
]);
export type Reminder = z.infer<typeof Reminder>;

export const TagName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^,#\s][^,#]*$/, 'must not contain "," or "#"');

const Title = z.string().trim().min(1, 'must not be empty').max(500);
const Description = z.string().max(20_000);

export const MAX_REMINDERS = 10;
export const MAX_TAGS = 20;

export const TaskCreate = z.strictObject({
  title: Title,
  description: Description.default(''),
  priority: Priority.default('none'),
  due: Due.nullable().default(null),
  recurrence: RecurrenceInput.nullable().default(null),
  reminders: z.array(ReminderInput).max(MAX_REMINDERS).default([]),
  projectId: id().nullable().default(null),
  tags: z.array(TagName).max(MAX_TAGS).default([]),
  parentId: id().nullable().default(null),
  assigneeId: id().nullable().default(null),
});
export type TaskCreate = z.infer<typeof TaskCreate>;
export type TaskCreateInput = z.input<typeof TaskCreate>;

/** Every field optional; `null` clears a clearable field (absent leaves it as it is). */
export const TaskPatch = z.strictObject({
  title: Title.optional(),
  description: Description.optional(),
  priority: Priority.optional(),
  due: Due.nullable().optional(),
  recurrence: RecurrenceInput.nullable().optional(),
  reminders: z.array(ReminderInput).max(MAX_REMINDERS).optional(),
  projectId: id().optional(),
  tags: z.array(TagName).max(MAX_TAGS).optional(),
  parentId: id().nullable().optional(),
  assigneeId: id().nullable().optional(),
});
export type TaskPatch = z.infer<typeof TaskPatch>;

export const Task = z.object({
  id: id(),
  number: z.int().describe('Per-user task number, as in "#12"'),
  title: z.string(),
  description: z.string(),
  priority: Priority,
  status: TaskStatus,
  completedAt: z.iso.datetime().nullable(),
  due: Due.nullable(),
  dueAt: z.iso.datetime().nullable().describe('The due instant, derived from `due`'),
  recurrence: Recurrence.nullable(),
  reminders: z.array(Reminder),
  projectId: id(),
  projectNumber: z.int().describe('Number in its project'),
  tags: z.array(z.string()),
  parentId: id().nullable(),
  assigneeId: id().nullable(),
  seriesId: id().nullable().describe('Shared by every occurrence of a recurring task'),
  occurrenceIndex: z.int().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  // Lists only: how many of the direct subtasks are done, of how many (null: it has none); and
  // a subtask's parent's title. Self-explaining names and plain numbers, without descriptions:
  // the MCP tool list, read on every conversation, carries this schema.
  subtasks: z.object({ done: z.number(), total: z.number() }).nullable().optional(),
  parentTitle: z.string().nullable().optional(),
});
export type Task = z.infer<typeof Task>;

/** 0 (none) … 4 (urgent): the stored, sortable form of a priority. */
export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p);
export const priorityFromRank = (n: number): Priority => PRIORITIES[n] ?? 'none';
