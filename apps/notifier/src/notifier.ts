/**
 * The notifier role: keeps one scheduled job per reminder in step with its task, and when a
 * job fires, checks the task again and emits `todo.reminder.due.v1`.
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
import { PoisonEventError, type EventBus, type HandlerOutcome, type JobScheduler } from '@todo/transport';
import { z } from 'zod';

export interface NotifierDeps extends ServiceDeps {
  bus: Pick<EventBus, 'subscribe'>;
  jobs: Pick<JobScheduler, 'schedule' | 'cancel' | 'onJob'>;
  clock: Clock;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Observes how late (ms) each reminder was emitted after its due instant. */
  onReminderEmitted?: (latenessMs: number) => void;
}

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

export function registerNotifier(deps: NotifierDeps): void {
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
    { name: 'notifier', types: TASK_EVENTS },
  );

  deps.jobs.onJob(async (name, raw): Promise<HandlerOutcome> => {
    const job = ReminderJob.safeParse(raw);
    if (!job.success) {
      deps.logger.warn({ job: name }, 'dropping a job that is not a reminder');
      return 'drop';
    }
    const { userId, taskId, reminderId, fireAt } = job.data;
    // Re-check at fire time: the task may have been completed, deleted or rescheduled since.
    const task = await repos.tasks.findById(userId, taskId);
    const owner = await repos.users.findById(userId);
    const reminder = task?.reminders.find((r) => r.id === reminderId);
    if (!task || !owner || !reminder || task.status === 'completed') return 'ack';
    if (reminderFireAt(reminder, task, owner)?.toISOString() !== fireAt) return 'ack';
    await unitOfWork.run({}, async (_tx, emit) => {
      emit(pendingEvent('todo.reminder.due.v1', taskId, { userId, taskId, reminderId, fireAt }));
    });
    const lateness = deps.clock.now().getTime() - new Date(fireAt).getTime();
    deps.onReminderEmitted?.(lateness);
    deps.logger.info({ reminderId, fireAt, latenessMs: lateness }, 'reminder due');
    return 'ack';
  });
}
