/**
 * @module @todo/domain — the task manager's pure core: wire schemas, recurrence, time,
 * events and errors. Imports no I/O.
 * @example
 *   import { normalizeRecurrence } from '@todo/domain';
 *   normalizeRecurrence('every 2 weeks on mon and fri').rule; // 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR'
 */
export { DomainError, ERROR_CODES, isDomainError, type ErrorCode, type FieldIssue } from './errors.js';
export { systemClock, type Clock, type IdGenerator } from './ports.js';
export {
  TOPICS,
  EVENT_SCHEMAS,
  EVENT_TOPIC,
  deadLetterTopic,
  pendingEvent,
  isEventType,
  parseEventData,
  toCloudEvents,
  type OutboxContext,
  type Topic,
  type EventType,
  type EventData,
  type CloudEvent,
  type PendingEvent,
} from './events.js';
export {
  PRIORITIES,
  Priority,
  TaskStatus,
  LocalDate,
  LocalDateTime,
  Instant,
  TimeZoneName,
  Due,
  RepeatFrom,
  RecurrenceInput,
  Recurrence,
  ReminderInput,
  Reminder,
  TagName,
  TaskCreate,
  TaskPatch,
  Task,
  MAX_REMINDERS,
  MAX_TAGS,
  priorityRank,
  priorityFromRank,
  type TaskCreateInput,
} from './tasks/task.schema.js';
export { taskEtag, ifMatchAccepts, TaskVersionMismatch } from './tasks/version.js';
export { ReopenedTask } from './tasks/undo.schema.js';
export { TaskListQuery, TaskSort, SORT_KEYS, PageCursor, type TaskStatusFilter } from './tasks/task-query.schema.js';
export { resolveDue, dueNeedsUserZone, dueAnchor, dueFromAnchor, requireDueFor, NO_DUE, type DueFields } from './tasks/due.js';
export { TASK_EVENT_TYPES, type TaskEventType } from './event-types.js';
export { parseTaskPhrase, parseDuePhrase, type TaskPhrase, type DuePhrase, type PhraseClock } from './phrases/index.js';
export {
  Email,
  Password,
  Color,
  SignUp,
  LogIn,
  PasswordChange,
  SignOutEverywhere,
  User,
  ProfilePatch,
  TOKEN_SCOPES,
  TokenScope,
  TokenCreate,
  ApiToken,
  PushSubscriptionCreate,
  PushDevice,
  LabelName,
  LabelCreate,
  LabelPatch,
  Label,
  Notification,
  CalendarFeedCreate,
  CalendarFeed,
} from './schemas.js';
export {
  normalizeRecurrence,
  describeRecurrence,
  previewOccurrences,
  nextOccurrence,
  firstOccurrenceOnOrAfter,
  assertRepeatsBeforeUntil,
} from './recurrence/index.js';
export {
  isValidTimeZone,
  assertTimeZone,
  parseLocalDate,
  parseLocalDateTime,
  localToInstant,
  instantToLocal,
  todayIn,
  addDaysToDate,
  SUPPORTED_YEARS,
} from './time/index.js';
export {
  policy,
  enforce,
  MAX_PUSH_DEVICES,
  MAX_IMPORT_TASKS,
  memberRule,
  projectRule,
  commentRule,
  PROJECT_ACTIONS,
  type Caller,
  type Decision,
  type ProjectAction,
} from './policy.js';
export {
  MAX_PROJECT_DEPTH,
  PROJECT_ROLES,
  ProjectRole,
  ProjectCreate,
  ProjectPatch,
  Project,
} from './projects/project.schema.js';
export {
  MAX_COMMENT_LENGTH,
  CommentInput,
  Comment,
  CommentWritten,
  ActivityEntry,
  mentionTokens,
  resolveMentions,
  type MentionCandidate,
} from './projects/comment.schema.js';
export { activityOf, ACTIVITY_TYPES, type ActivityFact } from './projects/activity.js';
export {
  MAX_PROJECT_MEMBERS,
  INVITATION_TTL_MS,
  MemberRole,
  InvitationCreate,
  Invitation,
  Member,
  MemberPatch,
  Transfer,
} from './projects/sharing.schema.js';
export { unsafeTextIssues, unsafeTextReason, assertSafeText } from './text.js';
export { reminderFireAt, reminderJobName, type ReminderOwner, type ReminderTask } from './reminders/fire-time.js';
export {
  Webhook,
  WebhookCreate,
  WebhookPatch,
  WebhookDelivery,
  WebhookEventType,
  WebhookUrl,
  WEBHOOK_RETRY_DELAYS_MS,
  WEBHOOK_RETRY_BUDGET_MS,
  webhookRetryDelayMs,
} from './webhooks/webhook.schema.js';
