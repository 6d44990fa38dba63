/**
 * Reminders as Web Push notifications: a subscription of its own on `task-reminders` (beside
 * `in-app` and `mailer`), so that push services, slow or down, delay only pushes
 * (docs/reminders-under-load.md). Each of the user's devices gets the reminder once: a ledger
 * entry `push:{reminderId}:{fireAt}:{deviceId}` is claimed before sending and marked after
 * (docs/decisions/0002-delivery-ledgers.md), so a retry or a duplicate delivery sends only to
 * the devices not reached yet. A subscription the push service calls gone (404/410) is deleted;
 * any other failure fails the delivery, which the bus retries and finally dead-letters with
 * the reason. Users without devices cost the embedded bus nothing: the event says whether the
 * user had any (`push`), and only those are queued for this subscription.
 */
import { randomUUID } from 'node:crypto';
import { parseEventData, TOPICS, type Clock, type CloudEvent, type Task } from '@todo/domain';
import type { ActionTokens, PushService, ReminderService } from '@todo/services';
import { PoisonEventError, StateConflictError, type EventBus, type HandlerOutcome, type StateStore } from '@todo/transport';
import { reminderSubject, reminderTimeZone } from './email.js';
import { DeliveryLedger } from './ledger.js';
import { PushGoneError, type PushSender } from './push-sender.js';

export interface PushDeps {
  bus: Pick<EventBus, 'subscribe'>;
  state: StateStore;
  reminders: Pick<ReminderService, 'forDelivery'>;
  devices: Pick<PushService, 'devicesFor' | 'delivered' | 'expired'>;
  sender: PushSender;
  actionTokens: Pick<ActionTokens, 'sign'>;
  clock: Clock;
  publicUrl: string;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  claimLeaseMs?: number;
  /** Pushes this process works on at once (embedded bus), below the in-app notifications' 16. Default 8. */
  concurrency?: number;
}

/** What the service worker shows (apps/web/public/sw.js); it must stay under the 4 kB a push carries. */
export interface PushPayload {
  title: string;
  body: string;
  taskId: string;
  number: number;
  /** The task in the app. */
  url: string;
  /** Notification buttons; each `url` is a one-use action link that needs no session. */
  actions: { action: 'done' | 'snooze'; title: string; url: string }[];
  /** One notification per reminder occurrence on a device: a repeat replaces it. */
  tag: string;
}

type Device = Awaited<ReturnType<PushService['devicesFor']>>[number];

export const pushLedgerKey = (reminderId: string, fireAt: string, deviceId: string) => `push:${reminderId}:${fireAt}:${deviceId}`;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function registerPush(deps: PushDeps): void {
  const ledger = new DeliveryLedger(deps.state, deps.clock, deps.claimLeaseMs);

  async function payloadFor(task: Task, timeZone: string, claims: { userId: string; reminderId: string }): Promise<string> {
    // One link id for the buttons of every device: the first used spends the others (action-link.service.ts).
    const signed = { ...claims, taskId: task.id, taskVersion: task.updatedAt, linkId: randomUUID() };
    const link = async (action: 'done' | 'snooze') => `/actions/${await deps.actionTokens.sign({ action, ...signed })}`;
    const payload: PushPayload = {
      title: clip(task.title, 120),
      body: clip(reminderSubject(task, timeZone), 160),
      taskId: task.id,
      number: task.number,
      url: `${deps.publicUrl}/?task=${task.number}`,
      actions: [
        { action: 'done', title: 'Done', url: await link('done') },
        { action: 'snooze', title: 'Snooze 1 hour', url: await link('snooze') },
      ],
      tag: `reminder-${claims.reminderId}`,
    };
    return JSON.stringify(payload);
  }

  /** Null when sent (or sent before); else why not. */
  async function sendTo(device: Device, key: string, payload: string): Promise<string | null> {
    let etag: string | null;
    try {
      etag = await ledger.claim(key);
    } catch (error) {
      return error instanceof StateConflictError ? 'another delivery changed its ledger entry' : (error as Error).message;
    }
    if (etag === null) return null;
    try {
      await deps.sender.send(device, payload);
    } catch (error) {
      if (error instanceof PushGoneError) {
        await deps.devices.expired(device);
        await ledger.finish(key, etag, 'skipped');
        deps.logger.info({ deviceId: device.id, status: error.status }, 'push subscription gone: device removed');
        return null;
      }
      // Released, so that the retry sends at once instead of waiting for the lease.
      await ledger.finish(key, etag, 'failed').catch(() => undefined);
      return (error as Error).message;
    }
    await ledger.finish(key, etag, 'sent');
    await deps.devices.delivered(device);
    return null;
  }

  async function push(event: CloudEvent): Promise<HandlerOutcome> {
    const parsed = parseEventData(event, 'todo.reminder.due.v1');
    if (!parsed.ok) throw new PoisonEventError(parsed.reason);
    const { userId, taskId, reminderId, fireAt } = parsed.data;
    const devices = await deps.devices.devicesFor(userId);
    if (!devices.length) return 'ack';
    const delivery = await deps.reminders.forDelivery(userId, taskId);
    if (!delivery) return 'ack';
    const payload = await payloadFor(delivery.task, reminderTimeZone(delivery.task, delivery.owner.timeZone), {
      userId,
      reminderId,
    });
    const outcomes = await Promise.all(devices.map((d) => sendTo(d, pushLedgerKey(reminderId, fireAt, d.id), payload)));
    const failed = outcomes.flatMap((reason, i) => (reason ? [`device ${devices[i]!.id}: ${reason}`] : []));
    deps.logger.info(
      { cloudEventId: event.id, reminderId, fireAt, devices: devices.length, failed: failed.length },
      'reminder pushed',
    );
    if (failed.length) throw new Error(`push failed for ${failed.length} of ${devices.length} devices: ${failed.join('; ')}`);
    return 'ack';
  }

  deps.bus.subscribe(TOPICS.taskReminders, push, {
    name: 'push',
    types: ['todo.reminder.due.v1'],
    // Embedded, only events of users with devices are queued (the flag set at emission); the
    // handler still reads the devices, since another bus delivers every event.
    nonEmpty: ['data', 'push'],
    concurrency: deps.concurrency ?? 8,
  });
}
