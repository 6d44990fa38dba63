/** @module @todo/notifier — reminder scheduling role (Dapr app-id `notification-service`). */
export { registerNotifier, ReminderJob, RECONCILE_HORIZON_MS, type NotifierDeps, type NotifierRole } from './notifier.js';
