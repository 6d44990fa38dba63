/**
 * Writes a change together with the events it causes (transactional outbox,
 * docs/decisions/0001-transactional-outbox.md) — a task change as one statement (`writeTasks`),
 * another change that one statement makes with its events (`runStatement`), anything else in
 * one transaction (`run`) — then hands the events to `afterCommit`.
 */
import { toCloudEvents, type CloudEvent, type PendingEvent } from '@todo/domain';
import type { Repositories, StoredTaskWrite, TaskWrite } from '@todo/storage';
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
   * For a change other than a task's that one statement writes together with its events
   * (atomic without a transaction, one round trip): `write` gets the events as CloudEvents.
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

  /**
   * Task writes with their events, in one statement (`repos.tasks.write`); the relay is woken
   * after it for the events of the writes that happened (a skipped update has none).
   */
  async writeTasks(ctx: { traceparent?: string | undefined }, writes: readonly PendingTaskWrite[]): Promise<StoredTaskWrite[]> {
    const context = {
      newId: () => this.deps.ids.next(),
      now: this.deps.clock.now(),
      source: this.deps.eventSource,
      traceparent: ctx.traceparent,
    };
    const rows = writes.map((w) => ({ ...w, events: toCloudEvents(w.events, context) }) as TaskWrite);
    const stored = await this.deps.store.repos.tasks.write(rows);
    const events = rows.flatMap((w, i) => (stored[i] ? w.events.map((e) => e.event) : []));
    if (events.length) this.deps.afterCommit?.(events);
    return stored;
  }
}

/** A `TaskWrite` whose events are still to become CloudEvents. */
export type PendingTaskWrite = WithPendingEvents<TaskWrite>;
type WithPendingEvents<W> = W extends TaskWrite ? Omit<W, 'events'> & { events: PendingEvent[] } : never;
