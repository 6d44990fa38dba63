/**
 * What the event pipeline keeps for later: dead letters (events given up on, with the reason)
 * and events the outbox holds for reading back (live updates too large for a notification).
 * Only storage access: who may read dead letters is decided by the caller's route, replaying
 * one is the runtime's (it knows where the event must go again).
 */
import type { Clock, CloudEvent } from '@todo/domain';
import type { DeadLetterRow } from '@todo/storage';
import type { ServiceDeps } from './deps.js';

export type DeadLetter = DeadLetterRow;

export class EventLogService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'> & { clock: Clock }) {}

  /** Records a dead letter; recording the same one again changes nothing (its id is derived from the event). */
  recordDeadLetter(row: Omit<DeadLetter, 'replayedAt'>): Promise<void> {
    return this.deps.store.repos.deadLetters.insert(row);
  }

  /** Dead letters, newest first; replayed ones only with `includeReplayed`. */
  listDeadLetters(options: { limit: number; includeReplayed: boolean }): Promise<DeadLetter[]> {
    return this.deps.store.repos.deadLetters.list(options);
  }

  findDeadLetter(id: string): Promise<DeadLetter | null> {
    return this.deps.store.repos.deadLetters.find(id);
  }

  markDeadLetterReplayed(id: string): Promise<void> {
    return this.deps.store.repos.deadLetters.markReplayed(id, this.deps.clock.now());
  }

  /** An event the outbox still holds, by its id; null once pruned. */
  findEvent(id: string): Promise<CloudEvent | null> {
    return this.deps.store.repos.outbox.findEvent(id);
  }
}
