/**
 * The activity history's projection (docs/projects-and-sharing.md): every task, comment and
 * project event a member may see becomes one line of `activity`, keyed on the event id, so a
 * redelivered event adds nothing. Runs with the notifier role, in either runtime.
 */
import { ACTIVITY_TYPES, TOPICS, type CloudEvent } from '@todo/domain';
import type { ActivityService } from '@todo/services';
import type { EventBus, HandlerOutcome } from '@todo/transport';

export interface ActivityDeps {
  bus: Pick<EventBus, 'subscribe'>;
  activity: Pick<ActivityService, 'record'>;
}

export function registerActivity(deps: ActivityDeps): void {
  deps.bus.subscribe(
    TOPICS.taskEvents,
    async (event: CloudEvent): Promise<HandlerOutcome> => {
      await deps.activity.record(event);
      return 'ack';
    },
    { name: 'activity', types: ACTIVITY_TYPES },
  );
}
