/**
 * Repositories bound to a connection or to a transaction. Tasks change through one statement
 * each (`repos.tasks.write`, task-write.statement.ts); other use cases that change state run in
 * `store.transaction`, so the change and its outbox events commit or roll back together.
 */
import type { Db } from './db.js';
import { ChatRepository } from './repositories/chat.repository.js';
import { LabelRepository } from './repositories/label.repository.js';
import { IdempotencyRepository } from './repositories/idempotency.repository.js';
import { ListVersionRepository } from './repositories/list-version.repository.js';
import { ReminderRepository } from './repositories/reminder.repository.js';
import { DeadLetterRepository, NotificationRepository } from './repositories/notification.repository.js';
import { OutboxRepository } from './repositories/outbox.repository.js';
import { RecurrenceRepository } from './repositories/recurrence.repository.js';
import { TaskRepository } from './repositories/task.repository.js';
import { CaldavRepository } from './repositories/caldav.repository.js';
import { TrashRepository } from './repositories/trash.repository.js';
import { TaskWriteBatcher, type TaskWriteBatcherOptions } from './repositories/task-write.batcher.js';
import { SessionRepository, UserRepository } from './repositories/user.repository.js';
import { TokenRepository } from './repositories/token.repository.js';
import { ActionLinkRepository } from './repositories/action-link.repository.js';
import { EmailConfirmationRepository } from './repositories/email-confirmation.repository.js';
import { WebhookRepository } from './repositories/webhook.repository.js';
import { WebhookDeliveryRepository } from './repositories/webhook-delivery.repository.js';
import { CalendarFeedRepository } from './repositories/calendar-feed.repository.js';
import { ImportKeyRepository } from './repositories/import-key.repository.js';
import { PushSubscriptionRepository } from './repositories/push-subscription.repository.js';
import { tags } from './schema.js';
import { ProjectRepository } from './repositories/project.repository.js';
import { CommentRepository } from './repositories/comment.repository.js';
import { ActivityRepository } from './repositories/activity.repository.js';
import { SharingRepository } from './repositories/sharing.repository.js';

export interface Repositories {
  users: UserRepository;
  sessions: SessionRepository;
  tokens: TokenRepository;
  actionLinks: ActionLinkRepository;
  emailConfirmations: EmailConfirmationRepository;
  projects: ProjectRepository;
  sharing: SharingRepository;
  tags: LabelRepository;
  tasks: TaskRepository;
  caldav: CaldavRepository;
  recurrence: RecurrenceRepository;
  trash: TrashRepository;
  idempotency: IdempotencyRepository;
  listVersions: ListVersionRepository;
  reminders: ReminderRepository;
  outbox: OutboxRepository;
  notifications: NotificationRepository;
  deadLetters: DeadLetterRepository;
  chat: ChatRepository;
  webhooks: WebhookRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  calendarFeeds: CalendarFeedRepository;
  importKeys: ImportKeyRepository;
  pushSubscriptions: PushSubscriptionRepository;
  comments: CommentRepository;
  activity: ActivityRepository;
}

const bind = (db: Db, writes?: TaskWriteBatcher): Repositories => ({
  users: new UserRepository(db),
  sessions: new SessionRepository(db),
  tokens: new TokenRepository(db),
  actionLinks: new ActionLinkRepository(db),
  emailConfirmations: new EmailConfirmationRepository(db),
  projects: new ProjectRepository(db),
  comments: new CommentRepository(db),
  activity: new ActivityRepository(db),
  sharing: new SharingRepository(db),
  tags: new LabelRepository(db, tags),
  tasks: new TaskRepository(db, writes),
  caldav: new CaldavRepository(db),
  recurrence: new RecurrenceRepository(db),
  trash: new TrashRepository(db),
  idempotency: new IdempotencyRepository(db),
  listVersions: new ListVersionRepository(db),
  reminders: new ReminderRepository(db),
  outbox: new OutboxRepository(db),
  notifications: new NotificationRepository(db),
  deadLetters: new DeadLetterRepository(db),
  chat: new ChatRepository(db),
  webhooks: new WebhookRepository(db),
  webhookDeliveries: new WebhookDeliveryRepository(db),
  calendarFeeds: new CalendarFeedRepository(db),
  importKeys: new ImportKeyRepository(db),
  pushSubscriptions: new PushSubscriptionRepository(db),
});

export class Store {
  readonly repos: Repositories;

  /** Task writes outside a transaction are written in batches (task-write.batcher.ts). */
  constructor(
    readonly db: Db,
    options: { taskWrites?: TaskWriteBatcherOptions } = {},
  ) {
    this.repos = bind(db, new TaskWriteBatcher(db, options.taskWrites));
  }

  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(bind(tx as unknown as Db)));
  }
}
