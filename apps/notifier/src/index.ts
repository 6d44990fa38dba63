/** @module @todo/notifier — reminder scheduling role (Dapr app-id `notification-service`), and outgoing webhooks. */
export { registerNotifier, ReminderJob, type NotifierDeps, type NotifierRole } from './notifier.js';
export { registerWebhooks, type WebhookDeps, type WebhookRole } from './webhooks.js';
export { webhookSender, type SendWebhook, type WebhookRequest, type WebhookSenderOptions } from './webhook-sender.js';
export { registerActivity, type ActivityDeps } from './activity.js';
