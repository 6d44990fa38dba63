/**
 * Reminder tools. A reminder is stored on the task (TaskService.update); the notifier schedules
 * it from the task event and delivers it once, at its time — nothing fires when the reminder is saved.
 */
import { z } from 'zod';
import { DomainError, Instant, Reminder, Task, reminderFireAt, type ReminderInput } from '@todo/domain';
import { ADDITIVE, CHANGE, defineTool, type ToolDef } from '../tool.js';
import { TaskRef, callOf, describeTask, userClock } from './common.js';

const toInput = (r: Reminder): ReminderInput =>
  r.type === 'relative' ? { type: 'relative', minutesBefore: r.minutesBefore } : { type: 'absolute', at: r.at };

const sameReminder = (a: Reminder, b: ReminderInput) =>
  a.type === b.type &&
  (a.type === 'relative'
    ? a.minutesBefore === (b as { minutesBefore: number }).minutesBefore
    : new Date(a.at).getTime() === new Date((b as { at: string }).at).getTime());

const setReminder = defineTool({
  name: 'set_reminder',
  title: 'Set a reminder',
  description:
    "Adds a reminder (email and in-app): `minutesBefore` the due (all-day: before the reminder hour; 1440 = a day) or `at`, a future instant. Idempotent; at most 10.",
  input: z.strictObject({
    task: TaskRef,
    minutesBefore: z.int().min(0).max(527_040).optional(),
    at: Instant.optional(),
  }),
  output: z.object({
    task: Task,
    reminder: Reminder,
    fireAt: z.iso.datetime().nullable().describe('When it will be delivered'),
  }),
  annotations: ADDITIVE,
  run: async (ctx, { task, minutesBefore, at }) => {
    if ((minutesBefore === undefined) === (at === undefined)) {
      throw DomainError.field('INVALID_REMINDER', 'minutesBefore', 'give exactly one of `minutesBefore` or `at`');
    }
    const wanted: ReminderInput =
      minutesBefore !== undefined ? { type: 'relative', minutesBefore } : { type: 'absolute', at: new Date(at!).toISOString() };
    if (wanted.type === 'absolute' && new Date(wanted.at).getTime() <= ctx.clock.now().getTime()) {
      throw DomainError.field('INVALID_REMINDER', 'at', `this time has passed (now is ${ctx.clock.now().toISOString()})`);
    }
    const before = await ctx.services.tasks.get(ctx.principal, task);
    if (wanted.type === 'relative' && !before.due) {
      throw DomainError.field(
        'INVALID_REMINDER',
        'minutesBefore',
        `#${before.number} has no due date; set one first or use \`at\``,
      );
    }
    const user = await userClock(ctx);
    const after = before.reminders.some((r) => sameReminder(r, wanted))
      ? before
      : await ctx.services.tasks.update(callOf(ctx), before.id, { reminders: [...before.reminders.map(toInput), wanted] });
    const reminder = after.reminders.find((r) => sameReminder(r, wanted))!;
    const fireAt = reminderFireAt(reminder, after, { timeZone: user.timeZone, reminderHour: user.reminderHour });
    return { task: after, reminder, fireAt: fireAt?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? null };
  },
  summarize: (r) => `Reminder on ${describeTask(r.task)} at ${r.fireAt ?? 'the due time'}`,
});

const removeReminder = defineTool({
  name: 'remove_reminder',
  title: 'Remove a reminder',
  description: 'Removes a reminder (id from get_task); idempotent.',
  input: z.strictObject({ task: TaskRef, reminderId: z.uuid() }),
  output: z.object({ task: Task, removed: z.boolean() }),
  annotations: CHANGE,
  run: async (ctx, { task, reminderId }) => {
    const before = await ctx.services.tasks.get(ctx.principal, task);
    const rest = before.reminders.filter((r) => r.id !== reminderId);
    if (rest.length === before.reminders.length) return { task: before, removed: false };
    return { task: await ctx.services.tasks.update(callOf(ctx), before.id, { reminders: rest.map(toInput) }), removed: true };
  },
  summarize: (r) => `${r.removed ? 'Removed a reminder from' : 'No such reminder on'} ${describeTask(r.task)}`,
});

const snoozeReminder = defineTool({
  name: 'snooze_reminder',
  title: 'Snooze a reminder',
  description: 'Delays a reminder by `minutes` from now, once.',
  input: z.strictObject({ task: TaskRef, reminderId: z.uuid(), minutes: z.int().min(1).max(10_080) }),
  output: z.object({ task: Task, until: z.iso.datetime() }),
  annotations: CHANGE,
  run: async (ctx, { task, reminderId, minutes }) => {
    const until = new Date(ctx.clock.now().getTime() + minutes * 60_000);
    const updated = await ctx.services.tasks.snoozeReminder(callOf(ctx), task, reminderId, until);
    return { task: updated, until: until.toISOString() };
  },
  summarize: (r) => `Snoozed until ${r.until} on ${describeTask(r.task)}`,
});

export const reminderTools: ToolDef[] = [setReminder, removeReminder, snoozeReminder];
