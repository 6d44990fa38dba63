/**
 * The reminder email's ledger claim after a mailer died between claiming an email and marking it
 * sent (found by the replica chaos soak, e2e/dapr-soak.test.ts): the redeliveries of that event
 * find a `sending` claim nobody will finish. They must take it over while Dapr is still
 * retrying — the Helm chart's budget is 10 exponential retries capped at 30 s, about 57 s, then
 * the dead-letter topic. With a 5-minute lease every redelivery failed until the budget was
 * spent: the email was dead-lettered, and on Kafka the failing delivery held its partition, so
 * the reminders of every task on it (in-app and email) waited the whole budget too.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingEvent, toCloudEvents, type CloudEvent } from '@todo/domain';
import { createTestDatabase, TestClock } from '@todo/testing';
import { DbStateStore, type StateStore } from '@todo/transport';
import { ledgerKey, registerMailer, type MailerDeps } from '../src/index.js';

type Handler = (event: CloudEvent) => Promise<unknown>;

describe('a reminder email claimed by a mailer that died before sending it', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let state: StateStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    state = new DbStateStore({ db: database.db });
  });
  afterAll(() => database?.close());

  it('is taken over by a redelivery within the delivery retry budget, not dead-lettered', async () => {
    const clock = new TestClock();
    const handlers = new Map<string, Handler>();
    registerMailer({
      bus: { subscribe: (_topic: string, handler: Handler, options: { name: string }) => handlers.set(options.name, handler) },
      state,
      // The task is gone by the time the email is taken over: the claim is finished as `skipped`.
      reminders: { forDelivery: async () => null },
      sender: { send: async () => ({ messageId: 'never' }) },
      notifications: { record: async () => undefined },
      actionTokens: { sign: async () => 'token' },
      clock,
      from: 'todo <todo@localhost>',
      publicUrl: 'http://todo.test',
      logger: { info: () => undefined, warn: () => undefined },
    } as unknown as MailerDeps);
    const [userId, taskId, reminderId] = [randomUUID(), randomUUID(), randomUUID()];
    const fireAt = clock.now().toISOString();
    const [{ event }] = toCloudEvents([pendingEvent('todo.reminder.due.v1', taskId, { userId, taskId, reminderId, fireAt })], {
      newId: randomUUID,
      now: clock.now(),
      source: 'test',
    }) as [{ topic: string; event: CloudEvent }];
    // What the dead mailer left: its claim, and no `sent`.
    await state.set(ledgerKey(reminderId, fireAt), { status: 'sending', at: clock.now().toISOString() }, { firstWrite: true });
    const mailer = handlers.get('mailer')!;

    // A redelivery while the sender could still be alive leaves it alone.
    clock.advance(5_000);
    await expect(mailer(event)).rejects.toThrow('another delivery is sending');

    // Before the retry budget is spent, a redelivery takes the claim over and finishes the email.
    clock.advance(45_000);
    await expect(mailer(event)).resolves.toBe('ack');
    expect((await state.get<{ status: string }>(ledgerKey(reminderId, fireAt)))?.value.status).toBe('skipped');
  });
});
