/**
 * @module @todo/storage — schema, migrations and repositories for PostgreSQL.
 * @example
 *   const database = await createDatabase({ url: process.env.DATABASE_URL });
 *   await database.migrate();
 *   const store = new Store(database.db);
 */
export { createDatabase, type Database, type DatabaseOptions, type OutboxMode } from './client.js';
export { MIGRATIONS_FOLDER } from './migrations-folder.js';
export { EmbeddedServerError, startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
export type { Db } from './db.js';
export type { MigrationStatus } from './migration-status.js';
export { writeBackup, type BackupSummary } from './backup.js';
export { restoreBackup, type RestoreSummary } from './restore.js';
export { BackupError, readBackupHeader, type BackupHeader } from './backup-format.js';
export type { BackupTarget } from './backup-catalog.js';
export { databaseFailureOf, isStorageFull, type DatabaseFailure } from './database-errors.js';
export { WriteHealth, type Room } from './write-health.js';
export { executeByShape, executeNamed, executeRendered, renderStatement, type RenderedStatement } from './named-statement.js';
export type { Notifications, Unlisten } from './notifications.js';
export { Store, type Repositories } from './store.js';
export { isDataException, isUniqueViolation } from './database-errors.js';
export type { SubtaskCopy, TaskPage, TaskJsonPage } from './repositories/task.repository.js';
export type { ListContext } from './repositories/task-list.query.js';
export type { TaskRow, NewTaskRow } from './repositories/task.mapper.js';
export { dueFromRow, taskFromRow, type ReminderJson } from './repositories/task.mapper.js';
export type { ProjectInsert } from './repositories/project.repository.js';
export type { CommentTarget } from './repositories/comment.repository.js';
export { decodeActivityCursor } from './repositories/activity.repository.js';
export type { UserRow } from './repositories/user.repository.js';
export type { EmailConfirmationRow } from './repositories/email-confirmation.repository.js';
export type { ListVersion } from './repositories/list-version.repository.js';
export { toUser } from './repositories/user.repository.js';
export type { ReminderWrite, StoredTaskWrite, TagWrite, TaskWrite } from './repositories/task-write.statement.js';
export type { TaskWriteBatcherOptions } from './repositories/task-write.batcher.js';
export type { NextOccurrence, UnhandledCompletion } from './repositories/recurrence.repository.js';
export type { DavTask, DavTombstone } from './repositories/caldav.repository.js';
export type { TrashEntry, TrashedTask } from './repositories/trash.repository.js';
export type { UnnotifiedReminder } from './repositories/reminder.repository.js';
export { isImportKeyTaken } from './repositories/import-key.repository.js';
export { isIdempotencyKeyTaken, type StoredIdempotencyKey } from './repositories/idempotency.repository.js';
export { ChatRepository, type ChatAppendOptions, type ChatConversationSummary } from './repositories/chat.repository.js';
export type { PushSubscriptionRow } from './repositories/push-subscription.repository.js';
export type { DeadLetterRow } from './repositories/notification.repository.js';
export type { WebhookTarget } from './repositories/webhook.repository.js';
export type { ClaimedDelivery, NewDelivery } from './repositories/webhook-delivery.repository.js';
export * as schema from './tables.js';
