/**
 * The notifier role: keeps one scheduled job per reminder in step with its task, and when a
 * job fires, checks the task again and emits `todo.reminder.due.v1`. A reconciliation runs
 * every `reconcileEveryMs` and emits what came due without a notification — a task event or a
 * job trigger lost between Dapr and the app (docs/operations.md §12) — late rather than never.
 */
import {
  parseEventData,
  pendingEvent,
  reminderFireAt,
  reminderJobName,
  TOPICS,
  type Clock,
  type CloudEvent,
  type EventType,
  type Task,
} from '@todo/domain';
import { UnitOfWork, type ServiceDeps } from '@todo/services';
import { periodic, PoisonEventError, type EventBus, type HandlerOutcome, type JobScheduler } from '@todo/transport';
import { z } from 'zod';

export interface NotifierDeps extends ServiceDeps {
  bus: Pick<EventBus, 'subscribe'>;
  jobs: Pick<JobScheduler, 'schedule' | 'cancel' | 'onJob'>;
  clock: Clock;
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

/** A reminder lost for longer than this is past helping: the reconciliation leaves it. */
export const RECONCILE_HORIZON_MS = 60 * 60 * 1000;

const TASK_EVENTS = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
] as const satisfies readonly EventType[];

export const ReminderJob = z.object({ userId: z.uuid(), taskId: z.uuid(), reminderId: z.uuid(), fireAt: z.iso.datetime() });
export type ReminderJob = z.infer<typeof ReminderJob>;

/** A reminder whose time passed more than this long ago is not sent late when (re)scheduled. */
const LATE_LIMIT_MS = 60_000;

export function registerNotifier(deps: NotifierDeps): NotifierRole {
  const unitOfWork = new UnitOfWork(deps);
  const { repos } = deps.store;

  async function syncReminders(userId: string, task: Task, traceId: string): Promise<void> {
    if (task.status === 'completed') {
      await Promise.all(task.reminders.map((r) => deps.jobs.cancel(reminderJobName(r.id))));
      return;
    }
    // Most tasks have no reminder: nothing to schedule, and no need to look up the owner's zone.
    if (!task.reminders.length) return;
    const owner = await repos.users.findById(userId);
    if (!owner) return;
    const now = deps.clock.now().getTime();
    for (const reminder of task.reminders) {
      const fireAt = reminderFireAt(reminder, task, owner);
      if (!fireAt || fireAt.getTime() < now - LATE_LIMIT_MS) {
        await deps.jobs.cancel(reminderJobName(reminder.id));
        continue;
      }
      const data: ReminderJob = { userId, taskId: task.id, reminderId: reminder.id, fireAt: fireAt.toISOString() };
      await deps.jobs.schedule(reminderJobName(reminder.id), { dueTime: fireAt, data });
      deps.logger.info({ cloudEventId: traceId, reminderId: reminder.id, fireAt: data.fireAt }, 'reminder scheduled');
    }
  }

  deps.bus.subscribe(
    TOPICS.taskEvents,
    async (event: CloudEvent): Promise<HandlerOutcome> => {
      const type = event.type as (typeof TASK_EVENTS)[number];
      const parsed = parseEventData(event, type);
      if (!parsed.ok) throw new PoisonEventError(parsed.reason);
      const { userId, task } = parsed.data;
      if (type === 'todo.task.deleted.v1') {
        await Promise.all(task.reminders.map((r) => deps.jobs.cancel(reminderJobName(r.id))));
      } else {
        await syncReminders(userId, task, event.id);
      }
      return 'ack';
    },
    // Most tasks have no reminder, and for them there is nothing to do: the embedded bus then
    // does not queue the event for this role at all (a queue row, a claim and a delete saved).
    { name: 'notifier', types: TASK_EVENTS, jsonPath: '$.data.task.reminders[0]' },
  );

  /**
   * Emits the reminder if it is still due as the job says (the task may have been completed,
   * deleted or rescheduled since), with a record of the emission in the same transaction.
   */
  async function emitIfStillDue({ userId, taskId, reminderId, fireAt }: ReminderJob): Promise<boolean> {
    const task = await repos.tasks.findById(userId, taskId);
    const owner = await repos.users.findById(userId);
    const reminder = task?.reminders.find((r) => r.id === reminderId);
    if (!task || !owner || !reminder || task.status === 'completed') return false;
    if (reminderFireAt(reminder, task, owner)?.toISOString() !== fireAt) return false;
    await unitOfWork.run({}, async (tx, emit) => {
      emit(pendingEvent('todo.reminder.due.v1', taskId, { userId, taskId, reminderId, fireAt }));
      await tx.reminders.markEmitted(reminderId, new Date(fireAt), deps.clock.now());
    });
    const lateness = deps.clock.now().getTime() - new Date(fireAt).getTime();
    deps.onReminderEmitted?.(lateness);
    deps.logger.info({ reminderId, fireAt, latenessMs: lateness }, 'reminder due');
    return true;
  }

  deps.jobs.onJob(async (name, raw): Promise<HandlerOutcome> => {
    const job = ReminderJob.safeParse(raw);
    if (!job.success) {
      deps.logger.warn({ job: name }, 'dropping a job that is not a reminder');
      return 'drop';
    }
    await emitIfStillDue(job.data);
    return 'ack';
  });

  const graceMs = deps.reconcileGraceMs ?? 120_000;
  async function reconcileOnce(): Promise<number> {
    const now = deps.clock.now().getTime();
    const lost = await repos.reminders.unnotified({
      after: new Date(now - RECONCILE_HORIZON_MS),
      before: new Date(now - graceMs),
      emittedBefore: new Date(now - graceMs),
      limit: 100,
    });
    let emitted = 0;
    for (const r of lost) {
      const job = { userId: r.userId, taskId: r.taskId, reminderId: r.reminderId, fireAt: r.fireAt.toISOString() };
      try {
        if (!(await emitIfStillDue(job))) {
          // Completed or changed since the query — or due at another time by the domain's rule.
          deps.logger.info(job, 'reminder reconciliation: no longer due as found, left alone');
          continue;
        }
        emitted += 1;
        deps.onReconciled?.('emitted');
        deps.logger.warn(job, 'reminder came due without a notification: emitted by the reconciliation');
      } catch (error) {
        deps.onReconciled?.('failed');
        deps.logger.error({ ...job, err: error }, 'reconciliation could not emit a reminder; trying again later');
      }
    }
    return emitted;
  }

  const reconciliation = periodic(reconcileOnce, deps.reconcileEveryMs ?? 60_000, (error) =>
    deps.logger.error({ err: error }, 'reminder reconciliation failed; trying again later'),
  );
  return { reconcile: reconciliation.run, start: reconciliation.start, stop: reconciliation.stop };
}
