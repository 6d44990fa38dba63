/**
 * Runs a use case in one transaction together with the events it emits (transactional
 * outbox, docs/decisions/0001-transactional-outbox.md), then hands the events to `afterCommit` once the transaction has committed.
 */
import type { CloudEvent, PendingEvent } from '@todo/domain';
import { toCloudEvents, type Repositories } from '@todo/storage';
import type { ServiceDeps } from './deps.js';

export type Emit = (event: PendingEvent) => void;

export class UnitOfWork {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids' | 'eventSource' | 'afterCommit'>) {}

  async run<T>(ctx: { traceparent?: string | undefined }, work: (repos: Repositories, emit: Emit) => Promise<T>): Promise<T> {
    let emitted: readonly PendingEvent[] = [];
    const result = await this.deps.store.transaction(async (repos) => {
      const events: PendingEvent[] = [];
      const value = await work(repos, (e) => events.push(e));
      await repos.outbox.append(events, {
        newId: () => this.deps.ids.next(),
        now: this.deps.clock.now(),
        source: this.deps.eventSource,
        traceparent: ctx.traceparent,
      });
      emitted = events;
      return value;
    });
    if (emitted.length) this.deps.afterCommit?.(emitted);
    return result;
  }

  /**
   * For a change written by one statement together with its events (atomic without a
   * transaction): `write` gets the events as CloudEvents to store; the relay is woken after it.
   */
  async runStatement<T>(
    ctx: { traceparent?: string | undefined },
    events: readonly PendingEvent[],
    write: (repos: Repositories, events: { topic: string; event: CloudEvent }[]) => Promise<T>,
  ): Promise<T> {
    const rows = toCloudEvents(events, {
      newId: () => this.deps.ids.next(),
      now: this.deps.clock.now(),
      source: this.deps.eventSource,
      traceparent: ctx.traceparent,
    });
    const result = await write(this.deps.store.repos, rows);
    if (rows.length) this.deps.afterCommit?.(rows.map((r) => r.event));
    return result;
  }
}
