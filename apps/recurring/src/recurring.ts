/**
 * The recurring role: on `todo.task.completed.v1` of a recurring task, creates the next
 * occurrence — exactly once, by the (series_id, occurrence_index) unique key.
 */
import { parseEventData, TOPICS, type CloudEvent } from '@todo/domain';
import type { RecurrenceService } from '@todo/services';
import { PoisonEventError, type EventBus, type HandlerOutcome } from '@todo/transport';

export interface RecurringDeps {
  bus: Pick<EventBus, 'subscribe'>;
  recurrence: Pick<RecurrenceService, 'createNext'>;
  logger: { info(obj: object, msg?: string): void };
}

export function registerRecurring(deps: RecurringDeps): void {
  deps.bus.subscribe(
    TOPICS.taskEvents,
    async (event: CloudEvent): Promise<HandlerOutcome> => {
      const parsed = parseEventData(event, 'todo.task.completed.v1');
      if (!parsed.ok) throw new PoisonEventError(parsed.reason);
      const { userId, task } = parsed.data;
      if (!task.recurrence) return 'ack';
      const result = await deps.recurrence.createNext(userId, task, event.traceparent ? { traceparent: event.traceparent } : {});
      deps.logger.info(
        {
          cloudEventId: event.id,
          taskId: task.id,
          outcome: result.outcome,
          ...(result.outcome === 'created' ? { nextTaskId: result.task.id } : {}),
        },
        'completed recurring task handled',
      );
      return 'ack';
    },
    { name: 'recurring', types: ['todo.task.completed.v1'] },
  );
}
