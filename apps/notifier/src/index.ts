/** @module @todo/notifier — reminder scheduling role (Dapr app-id `notification-service`). */
export { registerNotifier, ReminderJob, type NotifierDeps, type NotifierRole } from './notifier.js';
