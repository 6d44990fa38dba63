/** Planning tools: who/when am I, overview, reschedule, recurrence preview, natural-language due. */
import { z } from 'zod';
import {
  DomainError,
  LocalDate,
  LocalDateTime,
  Task,
  TaskListQuery,
  TimeZoneName,
  addDaysToDate,
  instantToLocal,
  localToInstant,
  parseDuePhrase,
  type Due,
} from '@todo/domain';
import { CHANGE, READ, InvalidItem, batchItem, defineTool, toolError, type ToolContext, type ToolDef } from '../tool.js';
import { DueIn, Failure, TaskRef, callOf, describeTask, userClock } from './common.js';

const DueOut = z.union([z.object({ date: LocalDate }), z.object({ dateTime: LocalDateTime, timeZone: z.string().nullable() })]);

const whoAmI = defineTool({
  name: 'get_user_context',
  title: 'Who and when am I',
  description:
    "The user's zone, date, local time, reminder hour and token scopes. Call before reasoning about \"today\".",
  input: z.strictObject({}),
  output: z.object({
    name: z.string().nullable(),
    timeZone: z.string(),
    today: LocalDate,
    localTime: z.string(),
    now: z.iso.datetime(),
    reminderHour: z.int(),
    scopes: z.array(z.string()),
  }),
  annotations: READ,
  run: async (ctx) => {
    const user = await ctx.services.profile.get(ctx.principal);
    const now = ctx.clock.now().toISOString();
    const local = instantToLocal(now, user.timeZone);
    return {
      name: user.name,
      timeZone: user.timeZone,
      today: local.date,
      localTime: local.time,
      now,
      reminderHour: user.reminderHour,
      scopes: [...ctx.principal.scopes],
    };
  },
  summarize: (r) => `Today is ${r.today}, ${r.localTime} in ${r.timeZone}`,
});

async function allPages(ctx: ToolContext, query: Record<string, unknown>, max: number): Promise<z.output<typeof Task>[]> {
  const page = await ctx.services.tasks.list(ctx.principal, TaskListQuery.parse({ ...query, limit: max }));
  return page.items;
}

const overview = defineTool({
  name: 'get_overview',
  title: 'Overview',
  description:
    'Open tasks: `overdue`, `dueToday`, `upcoming` (next `days` days), `limit` each. Best first call for "what should I do today?".',
  input: z.strictObject({
    days: z.int().min(1).max(31).default(7).describe('Days after today that count as upcoming'),
    limit: z.int().min(1).max(100).default(50).describe('At most this many tasks per group'),
  }),
  output: z.object({
    timeZone: z.string(),
    today: LocalDate,
    overdue: z.array(Task),
    dueToday: z.array(Task),
    upcoming: z.array(Task),
    counts: z.object({ overdue: z.int(), dueToday: z.int(), upcoming: z.int() }),
  }),
  annotations: READ,
  run: async (ctx, { days, limit }) => {
    const { timeZone, today } = await userClock(ctx);
    const tomorrow = addDaysToDate(today, 1);
    const overdueTasks = await allPages(ctx, { status: 'open', overdue: true, sort: 'due' }, limit);
    const overdueIds = new Set(overdueTasks.map((t) => t.id));
    const todayTasks = (await allPages(ctx, { status: 'open', dueAfter: today, dueBefore: tomorrow, sort: 'due' }, limit)).filter(
      (t) => !overdueIds.has(t.id),
    );
    const upcoming = await allPages(
      ctx,
      { status: 'open', dueAfter: tomorrow, dueBefore: addDaysToDate(tomorrow, days), sort: 'due' },
      limit,
    );
    return {
      timeZone,
      today,
      overdue: overdueTasks,
      dueToday: todayTasks,
      upcoming,
      counts: { overdue: overdueTasks.length, dueToday: todayTasks.length, upcoming: upcoming.length },
    };
  },
  summarize: (r) =>
    [
      `Today ${r.today} (${r.timeZone})`,
      `Overdue (${r.counts.overdue}):`,
      ...r.overdue.map((t) => describeTask(t, r.timeZone)),
      `Due today (${r.counts.dueToday}):`,
      ...r.dueToday.map((t) => describeTask(t, r.timeZone)),
      `Upcoming (${r.counts.upcoming}):`,
      ...r.upcoming.map((t) => describeTask(t, r.timeZone)),
    ].join('\n'),
});

/** Words → a due in the user's zone: the same phrase parser as the web's quick add and the CLI. */
async function dueFromWords(ctx: ToolContext, text: string, field: string) {
  const { timeZone, today, now } = await userClock(ctx);
  return { ...parseDuePhrase(text, { now, timeZone }, field), timeZone, today };
}

const reschedule = defineTool({
  name: 'reschedule_tasks',
  title: 'Reschedule tasks',
  description:
    'Moves the due of up to 25 tasks, by `due` or `when` ("next monday"), keeping time of day and recurrence; reports per-item failures.',
  input: z.strictObject({
    items: z
      .array(
        batchItem(
          z.strictObject({
            task: TaskRef,
            due: DueIn.optional(),
            when: z.string().trim().min(1).max(100).optional().describe('Words, e.g. "next monday"'),
          }),
        ),
      )
      .min(1)
      .max(25),
  }),
  batchOf: 'items',
  output: z.object({
    rescheduled: z.array(z.object({ index: z.int(), task: Task })),
    failures: z.array(Failure),
    successCount: z.int(),
    failureCount: z.int(),
  }),
  annotations: CHANGE,
  run: async (ctx, { items }) => {
    const rescheduled = [];
    const failures = [];
    for (const [index, item] of items.entries()) {
      if (item instanceof InvalidItem) {
        failures.push({ index, ...item.error });
        continue;
      }
      try {
        if ((item.due === undefined) === (item.when === undefined)) {
          throw DomainError.field('VALIDATION_FAILED', `items.${index}`, 'give exactly one of `due` or `when`');
        }
        let due: Due;
        if (item.due) {
          due = item.due;
        } else {
          const parsed = await dueFromWords(ctx, item.when!, `items.${index}.when`);
          due = parsed.due;
          const current = await ctx.services.tasks.get(ctx.principal, item.task);
          if ('date' in due && current.due && 'dateTime' in current.due) {
            due = { dateTime: `${due.date}T${current.due.dateTime.slice(11)}`, timeZone: current.due.timeZone };
          }
        }
        rescheduled.push({ index, task: await ctx.services.tasks.update(callOf(ctx), item.task, { due }) });
      } catch (error) {
        failures.push({ index, ...toolError(error) });
      }
    }
    return { rescheduled, failures, successCount: rescheduled.length, failureCount: failures.length };
  },
  summarize: (r) =>
    [
      ...r.rescheduled.map((x) => `Moved ${describeTask(x.task)}`),
      ...r.failures.map((f) => `Item ${f.index} failed: ${f.message}`),
    ].join('\n'),
});

const previewRecurrence = defineTool({
  name: 'preview_recurrence',
  title: 'Preview a recurrence rule',
  description:
    'Checks a repeat rule (RRULE or phrase like "every weekday"): the RRULE, its reading and the next `count` dates.',
  input: z.strictObject({
    rule: z.string().trim().min(1).max(300).describe('RRULE or English phrase'),
    start: z.union([LocalDate, LocalDateTime]).optional().describe('Series anchor; default: today'),
    timeZone: TimeZoneName.optional().describe("Default: the user's zone"),
    count: z.int().min(1).max(50).default(5),
  }),
  output: z.object({ rule: z.string(), text: z.string(), timeZone: z.string(), occurrences: z.array(z.string()) }),
  annotations: READ,
  run: (ctx, args) => ctx.services.recurrence.preview(ctx.principal, args),
  summarize: (r) => `${r.text} (${r.rule}): ${r.occurrences.join(', ')}`,
});

const parseDueTool = defineTool({
  name: 'parse_due',
  title: 'Read a due date from words',
  description:
    'Turns words into a `due` for add_task/update_task (user\'s zone; saves nothing): "tomorrow 9am", "next friday", "in 3 days", "dec 24", "end of month". A past bare time means tomorrow. Confirm `interpretation`.',
  input: z.strictObject({ text: z.string().trim().min(1).max(100).describe('e.g. "tomorrow 9am"') }),
  output: z.object({
    due: DueOut,
    dueAt: z.iso.datetime().nullable().describe('The instant for a timed due; null for all-day'),
    interpretation: z.string(),
    timeZone: z.string(),
    today: LocalDate,
  }),
  annotations: READ,
  run: async (ctx, { text }) => {
    const parsed = await dueFromWords(ctx, text, 'text');
    const dueAt = 'dateTime' in parsed.due ? localToInstant(parsed.due.dateTime, parsed.timeZone) : null;
    return { ...parsed, dueAt };
  },
  summarize: (r) => `${r.interpretation}: ${JSON.stringify(r.due)}`,
});

export const planningTools: ToolDef[] = [whoAmI, overview, reschedule, previewRecurrence, parseDueTool];
