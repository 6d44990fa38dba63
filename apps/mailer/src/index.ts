/** @module @todo/mailer — reminder email delivery role (Dapr app-id `email-delivery-service`), and account mail. */
export { registerMailer, ledgerKey, type MailerDeps } from './mailer.js';
export { fileSender, smtpSender, type MailSender, type OutgoingMail } from './transport.js';
export { reminderEmail, formatDue } from './email.js';
export { accountEmail, accountMailer } from './account-email.js';
export { registerPush, pushLedgerKey, type PushDeps, type PushPayload } from './push.js';
export { webPushSender, PushGoneError, type PushSender, type PushTarget, type VapidDetails } from './push-sender.js';
