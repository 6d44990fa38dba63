/**
 * Carries the CloudEvent id and W3C traceparent of the event being handled into every log
 * line written while handling it — through services and repositories that know nothing of
 * logging context — via AsyncLocalStorage and a pino mixin.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEvent } from '@todo/domain';
import type { EventHandler } from '@todo/transport';

export interface LogContext {
  cloudEventId?: string;
  eventType?: string;
  traceparent?: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

/** pino `mixin`: the fields of the current context, if any. */
export const logContextMixin = (): object => logContext.getStore() ?? {};

export function withEventContext(handler: EventHandler): EventHandler {
  return (event: CloudEvent) =>
    logContext.run(
      { cloudEventId: event.id, eventType: event.type, ...(event.traceparent ? { traceparent: event.traceparent } : {}) },
      () => handler(event),
    );
}
