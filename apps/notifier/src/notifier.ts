/**
 * The notifier role: keeps one scheduled job per reminder in step with its task, and when a
 * job fires, has the ReminderService emit `todo.reminder.due.v1` if the reminder is still due.
 * A reconciliation runs every `reconcileEveryMs` and emits what came due without a notification
 * — a task event or a job trigger lost between Dapr and the app (docs/operations.md §12) —
 * late rather than never. What is due, and the record of emissions, are the service's; this
 * role only moves jobs and events.
 */
import { parseEventData, reminderJobName, TOPICS, type CloudEvent, type EventType } from '@todo/domain';
import type { ReminderService } from '@todo/services';
import { periodic, PoisonEventError, type EventBus, type HandlerOutcome, type JobScheduler } from '@todo/transport';
import { z } from 'zod';

export interface NotifierDeps {
  bus: Pick<EventBus, 'subscribe'>;
  jobs: Pick<JobScheduler, 'schedule' | 'cancel' | 'onJob'>;
  reminders: Pick<ReminderService, 'plan' | 'emitIfStillDue' | 'reconcile'>;
  logger: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /** Observes how late (ms) each reminder was emitted after its due instant. */
  onReminderEmitted?: (latenessMs: number) => void;
  /** How often to look for reminders due without a notification; 0 turns it off. Default 60 s. */
  reconcileEveryMs?: number;
  /** How long after its time (and after an emission) a reminder without a notification counts as lost. Default 2 min. */
  reconcileGraceMs?: number;
  /** Observes each reminder the reconciliation handled: `emitted`, or `failed`. */
  onReconciled?: (outcome: 'emitted' | 'failed') => void;
}

export interface NotifierRole {
  /** Runs one reconciliation now (the timer does it every `reconcileEveryMs`); resolves to how many it emitted. */
  reconcile(): Promise<number>;
  start(): void;
  /** Stops the timer and waits for a reconciliation under way. */
  stop(): Promise<void>;
}

const TASK_EVENTS = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
  'todo.task.restored.v1',
] as const satisfies readonly EventType[];

/** The data of a reminder's job: one occurrence (`ReminderOccurrence`), checked when it fires. */
export const ReminderJob = z.object({ userId: z.uuid(), taskId: z.uuid(), reminderId: z.uuid(), fireAt: z.iso.datetime() });
export type ReminderJob = z.infer<typeof ReminderJob>;

export function registerNotifier(deps: NotifierDeps): NotifierRole {
  deps.bus.subscribe(
    TOPICS.taskEvents,
    async (event: CloudEvent): Promise<HandlerOutcome> => {
      const type = event.type as (typeof TASK_EVENTS)[number];
      const parsed = parseEventData(event, type);
      if (!parsed.ok) throw new PoisonEventError(parsed.reason);
      const { userId, task } = parsed.data;
      if (type === 'todo.task.deleted.v1') {
        await Promise.all(task.reminders.map((r) => deps.jobs.cancel(reminderJobName(r.id))));
        return 'ack';
      }
      for (const { reminderId, fireAt } of await deps.reminders.plan(userId, task)) {
        if (!fireAt) {
          await deps.jobs.cancel(reminderJobName(reminderId));
          continue;
        }
        const data: ReminderJob = { userId, taskId: task.id, reminderId, fireAt: fireAt.toISOString() };
        await deps.jobs.schedule(reminderJobName(reminderId), { dueTime: fireAt, data });
        deps.logger.info({ cloudEventId: event.id, reminderId, fireAt: data.fireAt }, 'reminder scheduled');
      }
      return 'ack';
    },
    // Most tasks have no reminder, and for them there is nothing to do: the embedded bus then
    // does not queue the event for this role at all (a queue row, a claim and a delete saved).
    { name: 'notifier', types: TASK_EVENTS, nonEmpty: ['data', 'task', 'reminders'] },
  );

  deps.jobs.onJob(async (name, raw): Promise<HandlerOutcome> => {
    const job = ReminderJob.safeParse(raw);
    if (!job.success) {
      deps.logger.warn({ job: name }, 'dropping a job that is not a reminder');
      return 'drop';
    }
    const latenessMs = await deps.reminders.emitIfStillDue(job.data);
    if (latenessMs !== null) {
      deps.onReminderEmitted?.(latenessMs);
      deps.logger.info({ reminderId: job.data.reminderId, fireAt: job.data.fireAt, latenessMs }, 'reminder due');
    }
    return 'ack';
  });

  async function reconcileOnce(): Promise<number> {
    const found = await deps.reminders.reconcile(deps.reconcileGraceMs === undefined ? {} : { graceMs: deps.reconcileGraceMs });
    let emitted = 0;
    for (const { outcome, latenessMs, reason, ...job } of found) {
      if (outcome === 'no-longer-due') {
        deps.logger.info(job, 'reminder reconciliation: no longer due as found, left alone');
      } else if (outcome === 'failed') {
        deps.onReconciled?.('failed');
        deps.logger.error({ ...job, reason }, 'reconciliation could not emit a reminder; trying again later');
      } else {
        emitted += 1;
        deps.onReminderEmitted?.(latenessMs ?? 0);
        deps.onReconciled?.('emitted');
        deps.logger.warn(job, 'reminder came due without a notification: emitted by the reconciliation');
      }
    }
    return emitted;
  }

  const reconciliation = periodic(reconcileOnce, deps.reconcileEveryMs ?? 60_000, (error) =>
    deps.logger.error({ err: error }, 'reminder reconciliation failed; trying again later'),
  );
  return { reconcile: reconciliation.run, start: reconciliation.start, stop: reconciliation.stop };
}
