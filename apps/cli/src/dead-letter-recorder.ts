/**
 * Under Dapr the broker keeps no dead-letter store: what reaches `<topic>-dlq` is written to the
 * dead-letters table, where operators look (`GET /api/admin/dead-letters`) and replay from.
 *
 * A poison event carries its reason as CloudEvent extensions (the Dapr bus adds them, see
 * `deadLetterNote`); an event Dapr dead-lettered after its inbound retries carries none, so its
 * row says so. A redelivered dead letter maps to the same row id and the insert ignores it, so
 * recording is idempotent and a duplicate never fails.
 */
import { createHash } from 'node:crypto';
import type { Clock, CloudEvent } from '@todo/domain';
import type { EventLogService } from '@todo/services';
import { DEAD_LETTER_EXTENSIONS, deadLetterNote, type EventHandler, type Logger } from '@todo/transport';

export const EXHAUSTED_RETRIES_REASON =
  'Dapr exhausted the delivery retries (resiliency policy) of a subscription on this topic; ' +
  'the consumer logs for this CloudEvent id say why';

/** An RFC 9562 UUID, as the table and the admin API's schema (`z.uuid()`) accept. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The row id, the same for every redelivery of one dead letter: the event id (ours are UUIDs)
 * when Dapr dead-lettered it; per refusing subscription for a poison event, which each consumer
 * dead-letters on its own (as the embedded runtime keeps one row per subscription).
 */
export function deadLetterRowId(topic: string, eventId: string, subscription: string | null): string {
  if (subscription === null && UUID.test(eventId)) return eventId.toLowerCase();
  const name = [topic, eventId, subscription ?? ''].join('\u0000');
  const hex = [...createHash('sha256').update(name).digest('hex').slice(0, 32)];
  hex[12] = '8'; // version 8: custom
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16); // the RFC 9562 variant
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The event as first published: without the dead-letter extensions, so a replay starts clean. */
function original(event: CloudEvent): CloudEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const name of Object.values(DEAD_LETTER_EXTENSIONS)) delete copy[name];
  return copy as unknown as CloudEvent;
}

/** The handler for `deadLetterTopic(topic)` that records each dead letter of `topic`. */
export function deadLetterRecorder(deps: {
  topic: string;
  events: Pick<EventLogService, 'recordDeadLetter'>;
  clock: Clock;
  logger: Logger;
}): EventHandler {
  const { events, clock, logger } = deps;
  return async (event) => {
    const note = deadLetterNote(event);
    const topic = note?.topic ?? deps.topic;
    const subscription = note?.subscription ?? null;
    const row = {
      id: deadLetterRowId(topic, event.id, subscription),
      topic,
      subscription,
      eventId: event.id,
      eventType: event.type,
      event: original(event),
      reason: note?.reason ?? EXHAUSTED_RETRIES_REASON,
      // A poison event is dead-lettered after the one run that refused it; Dapr does not say how many it tried.
      attempts: note ? 1 : 0,
      createdAt: clock.now(),
    };
    await events.recordDeadLetter(row);
    logger.warn({ topic, subscription, eventId: event.id, deadLetterId: row.id, reason: row.reason }, 'dead letter recorded');
    return 'ack';
  };
}
