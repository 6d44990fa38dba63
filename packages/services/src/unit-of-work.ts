/**
 * Runs a use case in one transaction together with the events it emits (transactional
 * outbox, design §3), then wakes the relay once the transaction has committed.
 */
import type { PendingEvent } from '@todo/domain';
import type { Repositories } from '@todo/storage';
import type { ServiceDeps } from './deps.js';

export type Emit = (event: PendingEvent) => void;

export class UnitOfWork {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids' | 'eventSource' | 'afterCommit'>) {}

  async run<T>(ctx: { traceparent?: string | undefined }, work: (repos: Repositories, emit: Emit) => Promise<T>): Promise<T> {
    let emitted = 0;
    const result = await this.deps.store.transaction(async (repos) => {
      const events: PendingEvent[] = [];
      const value = await work(repos, (e) => events.push(e));
      await repos.outbox.append(events, {
        newId: () => this.deps.ids.next(),
        now: this.deps.clock.now(),
        source: this.deps.eventSource,
        traceparent: ctx.traceparent,
      });
      emitted = events.length;
      return value;
    });
    if (emitted) this.deps.afterCommit?.();
    return result;
  }
}
