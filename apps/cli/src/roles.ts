/** Registers the roles this process runs (`ROLES`); they share nothing but ports and the database. */
import { join } from 'node:path';
import { SseHub } from '@todo/api';
import type { Config } from '@todo/config';
import { TOPICS, type Clock } from '@todo/domain';
import { fileSender, registerMailer, registerPush, webPushSender, type MailSender } from '@todo/mailer';
import {
  registerActivity,
  registerNotifier,
  registerWebhooks,
  webhookSender,
  type NotifierRole,
  type WebhookRole,
} from '@todo/notifier';
import { registerRecurring, type RecurringRole } from '@todo/recurring';
import type { ServiceDeps, Services } from '@todo/services';
import type { Database } from '@todo/storage';
import type { EventBus } from '@todo/transport';
import type { Logger } from 'pino';
import { LIVE_TYPES, LiveFanout } from './live-fanout.js';
import { withEventContext } from './log-context.js';
import type { Metrics } from './metrics.js';
import type { Transports } from './transports.js';

export interface RoleWiring {
  sse: SseHub | undefined;
  /** Carries live events to the api replicas; started with the runtime. */
  live: LiveFanout | undefined;
  /** Its reconciliation timer starts and stops with the runtime. */
  recurring: RecurringRole | undefined;
  /** Likewise. */
  notifier: NotifierRole | undefined;
  /** Outgoing webhooks, with the notifier role; likewise for their retry loop. */
  webhooks: WebhookRole | undefined;
  usesJobs: boolean;
}

export function registerRoles(
  config: Readonly<Config>,
  deps: {
    database: Database;
    serviceDeps: ServiceDeps;
    services: Services;
    transports: Transports;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    /** The SMTP pool when there is a mail server; none: reminder mail is written to files. */
    mailSender?: MailSender;
    /** Without them (replicas given none), reminders are not pushed. */
    vapidKeys?: { publicKey: string; privateKey: string };
  },
): RoleWiring {
  const { transports, services, logger, metrics } = deps;
  // Every subscription is counted by outcome and logs with its event's id and traceparent;
  // the roles never see either.
  const bus: Pick<EventBus, 'subscribe'> = {
    subscribe: (topic, handler, options) =>
      transports.bus.subscribe(topic, metrics.instrument(topic, options.name, withEventContext(handler)), options),
  };
  const roles = new Set(config.roles);
  const sse = roles.has('api') ? new SseHub(config.sseStreamsPerUser) : undefined;
  // Embedded, the relay step announces live updates itself, in the statement that publishes
  // them (transports.ts): as a subscription of their own, they had cost every event a queue row,
  // a claim and a delete, measured under bench:api's create load. Through Dapr, events come from the
  // broker instead, and one api replica of the subscription broadcasts each.
  const live = sse
    ? new LiveFanout({ database: deps.database, events: services.events, members: services.members, hub: sse, logger })
    : undefined;
  if (live && transports.kind === 'dapr') {
    for (const topic of [TOPICS.taskEvents, TOPICS.taskReminders]) {
      bus.subscribe(
        topic,
        async (event) => {
          live.deliver(event);
          return 'ack';
        },
        { name: `api-live-${topic}`, types: LIVE_TYPES },
      );
    }
  }
  const notifier = roles.has('notifier')
    ? registerNotifier({
        bus,
        jobs: transports.jobs,
        reminders: services.reminders,
        logger: logger.child({ role: 'notifier' }),
        onReminderEmitted: metrics.reminderEmitted,
        reconcileEveryMs: config.reminders.reconcileEveryMs,
        reconcileGraceMs: config.reminders.reconcileGraceMs,
        onReconciled: metrics.reminderReconciled,
      })
    : undefined;
  // Webhooks tell other systems of task changes, as the notifier tells people of reminders.
  const webhooks = roles.has('notifier')
    ? registerWebhooks({
        bus,
        deliveries: services.webhookDeliveries,
        send: webhookSender({ allowPrivateTargets: config.webhooks.allowPrivateTargets }),
        clock: deps.clock,
        logger: logger.child({ role: 'webhooks' }),
        retryEveryMs: config.webhooks.retryEveryMs,
      })
    : undefined;
  // The activity history is a projection of the same events, kept with the notifier role.
  if (roles.has('notifier')) registerActivity({ bus, activity: services.activity });
  if (roles.has('mailer')) {
    registerMailer({
      bus,
      state: transports.state,
      reminders: services.reminders,
      // Without an SMTP server (then the runtime passes none), mail is kept as `.eml` files.
      sender: deps.mailSender ?? fileSender(join(config.dataDir, 'mail')),
      notifications: services.notifications,
      actionTokens: services.actionTokens,
      clock: deps.clock,
      from: config.mail.from,
      publicUrl: config.publicUrl,
      logger: logger.child({ role: 'mailer' }),
    });
    if (deps.vapidKeys) {
      registerPush({
        bus,
        state: transports.state,
        reminders: services.reminders,
        devices: services.push,
        sender: webPushSender({ subject: config.push.subject, ...deps.vapidKeys }),
        actionTokens: services.actionTokens,
        clock: deps.clock,
        publicUrl: config.publicUrl,
        logger: logger.child({ role: 'mailer', channel: 'push' }),
      });
    }
  }
  const recurring = roles.has('recurring')
    ? registerRecurring({
        bus,
        recurrence: services.recurrence,
        logger: logger.child({ role: 'recurring' }),
        reconcileEveryMs: config.recurrence.reconcileEveryMs,
        reconcileGraceMs: config.recurrence.reconcileGraceMs,
        onReconciled: metrics.recurrenceReconciled,
      })
    : undefined;
  return { sse, live, recurring, notifier, webhooks, usesJobs: roles.has('notifier') };
}
