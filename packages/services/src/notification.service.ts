/** In-app notifications: written once per reminder occurrence, listed and marked read by their owner. */
import { DomainError, pendingEvent, type Notification } from '@todo/domain';
import type { Principal, ServiceDeps } from './deps.js';
import { UnitOfWork } from './unit-of-work.js';

export interface NewNotification {
  userId: string;
  taskId: string;
  reminderId: string;
  fireAt: Date;
  title: string;
  body: string;
}

export class NotificationService {
  private readonly unitOfWork: UnitOfWork;

  constructor(private readonly deps: ServiceDeps) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  /** Idempotent by (reminderId, fireAt); emits `todo.notification.created.v1` the first time only. */
  async record(input: NewNotification): Promise<Notification | null> {
    const createdAt = this.deps.clock.now();
    const notification: Notification = {
      id: this.deps.ids.next(),
      taskId: input.taskId,
      reminderId: input.reminderId,
      fireAt: input.fireAt.toISOString(),
      title: input.title,
      body: input.body,
      readAt: null,
      createdAt: createdAt.toISOString(),
    };
    const event = pendingEvent('todo.notification.created.v1', input.taskId, { userId: input.userId, notification });
    // One statement, no transaction: during a storm of reminders every round trip counts.
    const created = await this.unitOfWork.runStatement({}, [event], (repos, events) =>
      repos.notifications.insertOnceWithEvents({ ...input, id: notification.id, createdAt }, events),
    );
    return created ? notification : null;
  }

  list(principal: Principal, options: { unreadOnly: boolean; limit: number; cursor?: string | undefined }) {
    return this.deps.store.repos.notifications.list(principal.userId, { ...options, before: options.cursor });
  }

  unreadCount(principal: Principal): Promise<number> {
    return this.deps.store.repos.notifications.unreadCount(principal.userId);
  }

  async markRead(principal: Principal, id: string): Promise<Notification> {
    const updated = await this.deps.store.repos.notifications.markRead(principal.userId, id, this.deps.clock.now());
    if (!updated) throw new DomainError('NOT_FOUND', 'no such notification');
    return updated;
  }
}
