/**
 * The recurring role: on `todo.task.completed.v1` of a recurring task, creates the next
 * occurrence — exactly once, by the (series_id, occurrence_index) unique key. A reconciliation
 * runs every `reconcileEveryMs` and handles completions whose event never arrived: the event
 * path is the fast one, the reconciliation makes sure nothing is lost when a delivery is
 * (docs/operations.md, "Lost deliveries").
 */
import { parseEventData, TOPICS, type CloudEvent } from '@todo/domain';
import type { RecurrenceService } from '@todo/services';
import { periodic, PoisonEventError, type EventBus, type HandlerOutcome } from '@todo/transport';

export interface RecurringDeps {
  bus: Pick<EventBus, 'subscribe'>;
  recurrence: Pick<RecurrenceService, 'createNext' | 'reconcile'>;
  logger: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /** How often to look for completions nobody handled; 0 turns the reconciliation off. Default 60 s. */
  reconcileEveryMs?: number;
  /** How long after its completion an occurrence counts as missed. Default 2 min. */
  reconcileGraceMs?: number;
  /** Observes each completion the reconciliation handled, by outcome (`failed` included). */
  onReconciled?: (outcome: string) => void;
}

export interface RecurringRole {
  /** Runs one reconciliation now (the timer does it every `reconcileEveryMs`); resolves to how many it handled. */
  reconcile(): Promise<number>;
  /** Starts the reconciliation timer. */
  start(): void;
  /** Stops the timer and waits for a reconciliation under way. */
  stop(): Promise<void>;
}

export function registerRecurring(deps: RecurringDeps): RecurringRole {
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

  const reconciliation = periodic(
    async () => {
      const found = await deps.recurrence.reconcile(
        deps.reconcileGraceMs === undefined ? {} : { graceMs: deps.reconcileGraceMs },
      );
      for (const item of found) {
        deps.onReconciled?.(item.outcome);
        if (item.outcome === 'failed') {
          deps.logger.error(
            { taskId: item.taskId, reason: item.reason },
            'reconciliation could not handle a completion; trying again later',
          );
          continue;
        }
        deps.logger.warn(
          { taskId: item.taskId, outcome: item.outcome, ...(item.outcome === 'created' ? { nextTaskId: item.task.id } : {}) },
          'completion was never handled through its event: handled by the reconciliation',
        );
      }
      return found.filter((item) => item.outcome !== 'failed').length;
    },
    deps.reconcileEveryMs ?? 60_000,
    (error) => deps.logger.error({ err: error }, 'recurrence reconciliation failed; trying again later'),
  );
  return { reconcile: reconciliation.run, start: reconciliation.start, stop: reconciliation.stop };
}
