/** Schemas and helpers shared by the tool groups. */
import { z } from 'zod';
import {
  DomainError,
  Due,
  Label,
  Project,
  RecurrenceInput,
  Reminder,
  ReminderInput,
  Task,
  instantToLocal,
  todayIn,
} from '@todo/domain';
import type { CallContext } from '@todo/services';
import { SHARED_SHAPES, type ToolContext } from '../tool.js';

export const TaskRef = z.string().trim().min(1).max(64).describe('Task #number or UUID');
SHARED_SHAPES.set(TaskRef, { tool: 'get_task', description: 'Task #number or UUID' });

SHARED_SHAPES.set(Task, { tool: 'get_task', description: 'A task (see get_task)' });
const DUE_SHAPE = { tool: 'add_task', description: 'A due, as in add_task' };
SHARED_SHAPES.set(Due, DUE_SHAPE);
SHARED_SHAPES.set(Reminder, { tool: 'get_task', description: 'A reminder, as in get_task' });
SHARED_SHAPES.set(ReminderInput, { tool: 'add_task', description: 'A reminder, as in add_task' });
SHARED_SHAPES.set(RecurrenceInput, { tool: 'add_task', description: 'A repeat rule, as in add_task' });
SHARED_SHAPES.set(Label, { tool: 'list_tags', description: 'A tag, as list_tags lists them' });
SHARED_SHAPES.set(Project, { tool: 'list_projects', description: 'A project (see list_projects)' });

export const TaskOut = z.object({ task: Task });
export const TaskPageOut = z.object({
  items: z.array(Task),
  nextCursor: z.string().nullable().describe("The next page's `cursor`; null on the last"),
});
export const DueIn = Due.describe('A due, as in add_task; parse_due turns words like "tomorrow 9am" into one');
SHARED_SHAPES.set(DueIn, DUE_SHAPE);
export const Failure = z.object({
  index: z.int().describe('Position of the item in the request'),
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
});
SHARED_SHAPES.set(Failure, { tool: 'add_tasks', description: 'index, code, message, issues [{field, message}]' });

export const callOf = (ctx: ToolContext): CallContext => ({ principal: ctx.principal, traceparent: ctx.traceparent });

/** The user's zone and today's date there (the user comes from the token). */
export async function userClock(ctx: ToolContext): Promise<{ timeZone: string; today: string; now: Date; reminderHour: number }> {
  const user = await ctx.services.profile.get(ctx.principal);
  const now = ctx.clock.now();
  return { timeZone: user.timeZone, today: todayIn(user.timeZone, now.toISOString()), now, reminderHour: user.reminderHour };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a project or tag by UUID or by (case-insensitive) name among the caller's own. */
export function findLabel<L extends { id: string; name: string }>(
  labels: L[],
  ref: string,
  field: string,
  kind: 'project' | 'tag',
): L {
  const wanted = ref.trim();
  const hit = UUID.test(wanted)
    ? labels.find((l) => l.id === wanted.toLowerCase())
    : labels.find((l) => l.name.toLowerCase() === wanted.toLowerCase());
  if (!hit) {
    throw DomainError.field(
      kind === 'project' ? 'PROJECT_NOT_FOUND' : 'TAG_NOT_FOUND',
      field,
      `you have no ${kind} "${wanted}"; list_${kind}s shows the ones you have`,
    );
  }
  return hit;
}

export const ProjectRef = z.string().trim().min(1).max(64).describe('Project id or name');
SHARED_SHAPES.set(ProjectRef, { tool: 'update_project', description: 'Project id or name' });

/** A project given by id or by name (looked up among the caller's) → its id. */
export async function projectIdOf(ctx: ToolContext, ref: string, field = 'projectId'): Promise<string> {
  const wanted = ref.trim();
  if (UUID.test(wanted)) return wanted.toLowerCase();
  return findLabel(await ctx.services.projects.list(ctx.principal), wanted, field, 'project').id;
}

/** Offset cursors for small in-memory lists (projects, tags). */
export function pageOf<T>(items: T[], cursor: string | undefined, limit: number): { items: T[]; nextCursor: string | null } {
  let offset = 0;
  if (cursor !== undefined) {
    const m = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!m) throw DomainError.field('INVALID_CURSOR', 'cursor', 'this cursor was not issued by this tool; omit it to start over');
    offset = Number(m[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`o:${offset + limit}`).toString('base64url') : null;
  return { items: page, nextCursor: next };
}

/** One line per task; a timed due is shown on the clock of `timeZone` (the user's) when given. */
export function describeTask(t: Task, timeZone?: string): string {
  return `#${t.number} ${t.title}${t.status === 'completed' ? ' (done)' : ''}${dueText(t, timeZone)}`;
}

function dueText(t: Task, timeZone: string | undefined): string {
  if (!t.due) return '';
  if ('date' in t.due) return `, due ${t.due.date}`;
  if (timeZone && t.dueAt) {
    const local = instantToLocal(t.dueAt, timeZone);
    return `, due ${local.date} ${local.time.slice(0, 5)}`;
  }
  return `, due ${t.due.dateTime.replace('T', ' ')}${t.due.timeZone ? ` (${t.due.timeZone})` : ''}`;
}
