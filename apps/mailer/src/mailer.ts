/**
 * The mailer role: delivers `todo.reminder.due.v1` as one email and one in-app notification
 * per reminder occurrence, however often the event arrives — as two subscriptions, so that the
 * in-app notification never waits for mail: during a storm of reminders the emails queue behind
 * the SMTP server while the notifications are written as fast as the database takes them
 * (docs/reminders-under-load.md). The notification is one per occurrence by its unique key. For
 * the email, a ledger entry `reminder:{reminderId}:{fireAt}` in the StateStore is claimed
 * first-write-wins *before* sending and marked sent after, so a duplicate delivery finds it and
 * stops; a crash mid-send leaves a claim that expires and is retried. Marking "sent" before
 * sending would lose the mail of a crash mid-send (docs/decisions/0002-delivery-ledgers.md).
 */
import { randomUUID } from 'node:crypto';
import { parseEventData, TOPICS, type Clock, type CloudEvent } from '@todo/domain';
import type { ActionTokens, NotificationService, ReminderService } from '@todo/services';
import { PoisonEventError, StateConflictError, type EventBus, type HandlerOutcome, type StateStore } from '@todo/transport';
import { reminderEmail, reminderSubject, reminderTimeZone } from './email.js';
import { DeliveryLedger } from './ledger.js';
import type { MailSender } from './transport.js';

export interface MailerDeps {
  bus: Pick<EventBus, 'subscribe'>;
  state: StateStore;
  reminders: Pick<ReminderService, 'forDelivery'>;
  sender: MailSender;
  notifications: Pick<NotificationService, 'record'>;
  actionTokens: Pick<ActionTokens, 'sign'>;
  clock: Clock;
  from: string;
  publicUrl: string;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** How long a "sending" claim blocks other deliveries of the same occurrence (DEFAULT_CLAIM_LEASE_MS: why 30 s). */
  claimLeaseMs?: number;
  /**
   * Emails this process works on at once (embedded bus; through Dapr, the sidecar's
   * `--app-max-concurrency` bounds it). Above the SMTP pool's connections (5 by default), so
   * that a connection never waits while another email reads the database; below the in-app
   * notifications' 16, so that during a storm they get the larger share of the database and are
   * written first. Default 8.
   */
  emailConcurrency?: number;
}

export const ledgerKey = (reminderId: string, fireAt: string) => `reminder:${reminderId}:${fireAt}`;

export function registerMailer(deps: MailerDeps): void {
  const ledger = new DeliveryLedger(deps.state, deps.clock, deps.claimLeaseMs);

  async function handle(event: CloudEvent): Promise<HandlerOutcome> {
    const parsed = parseEventData(event, 'todo.reminder.due.v1');
    if (!parsed.ok) throw new PoisonEventError(parsed.reason);
    const { userId, taskId, reminderId, fireAt } = parsed.data;
    const key = ledgerKey(reminderId, fireAt);
    let etag: string | null;
    try {
      etag = await ledger.claim(key);
    } catch (error) {
      if (error instanceof StateConflictError) return 'retry';
      throw error;
    }
    if (etag === null) return 'ack';

    const delivery = await deps.reminders.forDelivery(userId, taskId);
    const finish = (status: 'sent' | 'skipped' | 'failed', messageId?: string) => ledger.finish(key, etag!, status, messageId);
    if (!delivery) {
      await finish('skipped');
      return 'ack';
    }
    const { task, owner: user } = delivery;
    try {
      // Bound to the task as it is now, and one id for both: the first link used spends the
      // other, and neither works once the task changed (action-link.service.ts).
      const claims = { userId, taskId, reminderId, taskVersion: task.updatedAt, linkId: randomUUID() };
      const link = async (action: 'done' | 'snooze') =>
        `${deps.publicUrl}/actions/${await deps.actionTokens.sign({ action, ...claims })}`;
      const mail = reminderEmail({
        task,
        recipientName: user.name,
        timeZone: reminderTimeZone(task, user.timeZone),
        doneUrl: await link('done'),
        snoozeUrl: await link('snooze'),
        openUrl: `${deps.publicUrl}/?task=${task.number}`,
      });
      const sent = await deps.sender.send({ from: deps.from, to: user.email, ...mail, headers: { 'X-Todo-Reminder': key } });
      await finish('sent', sent.messageId);
      deps.logger.info(
        { cloudEventId: event.id, reminderId, fireAt, messageId: sent.messageId, savedTo: sent.savedTo },
        'reminder email sent',
      );
      return 'ack';
    } catch (error) {
      // Release the claim so the retry can send at once instead of waiting for the lease.
      await finish('failed').catch(() => undefined);
      throw error;
    }
  }

  /** The in-app notification: written once per occurrence (its unique key), whatever arrives twice. */
  async function notify(event: CloudEvent): Promise<HandlerOutcome> {
    const parsed = parseEventData(event, 'todo.reminder.due.v1');
    if (!parsed.ok) throw new PoisonEventError(parsed.reason);
    const { userId, taskId, reminderId, fireAt } = parsed.data;
    const delivery = await deps.reminders.forDelivery(userId, taskId);
    if (!delivery) return 'ack';
    const { task, owner } = delivery;
    const body = reminderSubject(task, reminderTimeZone(task, owner.timeZone));
    await deps.notifications.record({ userId, taskId, reminderId, fireAt: new Date(fireAt), title: task.title, body });
    return 'ack';
  }

  const types = ['todo.reminder.due.v1'];
  // The same types on one topic: through Dapr still one subscription of this app, whose
  // deliveries run both handlers side by side and redeliver only to the one that failed.
  deps.bus.subscribe(TOPICS.taskReminders, notify, { name: 'in-app', types, concurrency: 16 });
  deps.bus.subscribe(TOPICS.taskReminders, handle, { name: 'mailer', types, concurrency: deps.emailConcurrency ?? 8 });
}
