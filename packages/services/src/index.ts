/**
 * @module @todo/services — the application's use cases, shared by REST, MCP, chat and the CLI.
 * @example
 *   const services = createServices({ store, clock: systemClock, ids: uuidV7Ids, eventSource: 'todo-app/api' }, { jwtSecret });
 *   await services.tasks.create({ principal }, TaskCreate.parse({ title: 'Pay rent' }));
 */
import { AuthService, type AuthOptions } from './auth.service.js';
import type { ServiceDeps } from './deps.js';
import { LabelService } from './label.service.js';
import { ProjectService } from './project.service.js';
import { CommentService } from './comment.service.js';
import { ActivityService } from './activity.service.js';
import { ImportService } from './interop/import.service.js';
import { ExportService } from './interop/export.service.js';
import { InvitationService } from './sharing/invitation.service.js';
import { MemberService } from './sharing/member.service.js';
import { ProfileService } from './profile.service.js';
import { TaskService } from './task.service.js';
import { CaldavService } from './caldav/caldav.service.js';
import { ListPageCache, type ListPageOutcome } from './task-list-pages.js';
import { TokenService } from './token.service.js';
import { PushService, type PushOptions } from './push.service.js';
import { NotificationService } from './notification.service.js';
import { RecurrenceService } from './recurrence.service.js';
import { ReminderService } from './reminder.service.js';
import { EventLogService } from './event-log.service.js';
import { ChatHistoryService } from './chat-history.service.js';
import { ActionTokens } from './security/action-tokens.js';
import { ActionLinkService } from './action-link.service.js';
import { EmailConfirmationService, type ConfirmationOptions } from './email-confirmation.service.js';
import { WebhookService, type WebhookOptions } from './webhook.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { CalendarFeedService } from './calendar-feed.service.js';

export { AuthService, type AuthOptions, type ClientKey, type Session } from './auth.service.js';
export { LoginThrottle, RetryLaterError, clientKey, type LoginThrottleOptions } from './security/login-throttle.js';
export { TaskService, type IcalKept } from './task.service.js';
export {
  CaldavService,
  type DavCalendar,
  type DavChanges,
  type DavPreconditions,
  type DavResource,
} from './caldav/caldav.service.js';
export { ListPageCache, type ListPage, type ListPageOutcome } from './task-list-pages.js';
export { LabelService, type LabelKind } from './label.service.js';
export { ProjectService } from './project.service.js';
export { CommentService } from './comment.service.js';
export { ActivityService } from './activity.service.js';
export { InvitationService } from './sharing/invitation.service.js';
export { MemberService } from './sharing/member.service.js';
export { ProfileService, type ProfileUpdate } from './profile.service.js';
export {
  EmailConfirmationService,
  type ConfirmationOptions,
  type Confirmed,
  type SignUpOutcome,
} from './email-confirmation.service.js';
export type { AccountMail, AccountNotice } from './account-mail.js';
export { TokenService } from './token.service.js';
export { CalendarFeedService, MAX_FEED_EVENTS, COMPLETED_FEED_DAYS, type FeedDocument } from './calendar-feed.service.js';
export { PushService, deviceLabel, type PushOptions } from './push.service.js';
export { NotificationService, type NewNotification } from './notification.service.js';
export {
  RecurrenceService,
  type NextOccurrenceResult,
  type ReconciledCompletion,
  type Preview,
  type PreviewRequest,
} from './recurrence.service.js';
export {
  ReminderService,
  RECONCILE_HORIZON_MS,
  type ReminderOccurrence,
  type ReminderPlan,
  type ReconciledReminder,
} from './reminder.service.js';
export { EventLogService, type DeadLetter } from './event-log.service.js';
export { ChatHistoryService } from './chat-history.service.js';
export { ActionTokens, type ActionClaims, type TaskAction, type VerifiedAction } from './security/action-tokens.js';
export { ActionLinkService, type ActionOutcome } from './action-link.service.js';
export { uuidV7Ids, type ServiceDeps, type Principal, type CallContext } from './deps.js';
export { parseTaskRef } from './task-fields.js';
export { UnitOfWork, type Emit } from './unit-of-work.js';
export { hashPassword, verifyPassword } from './security/password.js';
export { WebhookService, type WebhookOptions } from './webhook.service.js';
export { ImportService, IMPORT_BATCH, type ImportReport, type ImportProgress } from './interop/import.service.js';
export { ExportService } from './interop/export.service.js';
export { IMPORT_FORMATS, type ImportFormat } from './interop/plan.js';
export {
  WebhookDeliveryService,
  type AttemptResult,
  type ClaimedDelivery,
  type WebhookPayload,
} from './webhook-delivery.service.js';
export {
  internalAddressReason,
  resolveWebhookTarget,
  systemResolve,
  type Resolve,
  type ResolvedTarget,
} from './security/webhook-target.js';
/** For the edges: a value the database refused is a bad-input answer, not "try again later". */
export { isDataException } from '@todo/storage';
// How a failed query may be logged, and whether it was a full disk (507 over REST).
export { databaseFailureOf, isStorageFull } from '@todo/storage';

export interface Services {
  auth: AuthService;
  tokens: TokenService;
  push: PushService;
  profile: ProfileService;
  confirmations: EmailConfirmationService;
  tasks: TaskService;
  projects: ProjectService;
  comments: CommentService;
  activity: ActivityService;
  invitations: InvitationService;
  members: MemberService;
  tags: LabelService;
  notifications: NotificationService;
  recurrence: RecurrenceService;
  reminders: ReminderService;
  events: EventLogService;
  chats: ChatHistoryService;
  actionTokens: ActionTokens;
  actionLinks: ActionLinkService;
  webhooks: WebhookService;
  webhookDeliveries: WebhookDeliveryService;
  calendarFeeds: CalendarFeedService;
  caldav: CaldavService;
  imports: ImportService;
  exports: ExportService;
}

export interface ServiceOptions {
  /** Characters of task-list pages kept for re-serving while their owner's data is unchanged; 0 or absent = none. */
  listCacheChars?: number;
  /** Told how each task-list request was answered (for metrics). */
  onListPage?: (outcome: ListPageOutcome) => void;
  /**
   * Account mail (sign-up and email-change confirmation) and where its links point. Without
   * `mail`, nothing can be confirmed: sign-up is open only until the first account exists.
   */
  accounts?: ConfirmationOptions;
  /** Outgoing webhooks: whether they may reach internal addresses (none by default). */
  webhooks?: WebhookOptions;
  /** Which push services browsers may register (config's PUSH_SERVICES); absent: none. */
  push?: PushOptions;
}

export function createServices(deps: ServiceDeps, auth: AuthOptions, options: ServiceOptions = {}): Services {
  const authService = new AuthService(deps, auth);
  const pageCache = options.listCacheChars ? new ListPageCache(options.listCacheChars) : undefined;
  const tasks = new TaskService(deps, { pageCache, onListPage: options.onListPage });
  const actionTokens = new ActionTokens(auth.jwtSecret, deps.clock);
  const accounts = options.accounts ?? { publicUrl: 'http://localhost:8080' };
  const confirmations = new EmailConfirmationService(deps, authService, accounts);
  const projects = new ProjectService(deps);
  return {
    auth: authService,
    tokens: new TokenService(deps, authService),
    push: new PushService(deps, options.push ?? { services: [] }),
    profile: new ProfileService(deps, authService, confirmations),
    confirmations,
    tasks,
    projects,
    comments: new CommentService(deps),
    activity: new ActivityService(deps),
    invitations: new InvitationService(deps, confirmations),
    members: new MemberService(deps),
    tags: new LabelService(deps, 'tags'),
    notifications: new NotificationService(deps),
    recurrence: new RecurrenceService(deps),
    actionTokens,
    actionLinks: new ActionLinkService(deps, actionTokens, tasks),
    reminders: new ReminderService(deps),
    events: new EventLogService(deps),
    chats: new ChatHistoryService(deps),
    webhooks: new WebhookService(deps, options.webhooks ?? { allowPrivateTargets: false }),
    webhookDeliveries: new WebhookDeliveryService(deps),
    calendarFeeds: new CalendarFeedService(deps, tasks, { publicUrl: accounts.publicUrl }),
    caldav: new CaldavService(deps, tasks, projects, authService),
    imports: new ImportService(deps, projects),
    exports: new ExportService(deps, projects, tasks),
  };
}
