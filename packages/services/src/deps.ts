/** What application services are built from; each service takes only what it uses. */
import type { Clock, IdGenerator } from '@todo/domain';
import type { Store } from '@todo/storage';
import { uuidv7 } from 'uuidv7';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  /** CloudEvents `source` of events this process writes, e.g. `todo-app/api`. */
  eventSource: string;
  /** Called with the events a transaction wrote, after it commits (to wake the relay at once, or count them). */
  afterCommit?: (events: readonly { type: string }[]) => void;
}

export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };

/** Who is calling: every use case is scoped to `userId`. */
export interface Principal {
  userId: string;
  scopes: readonly ('read' | 'write')[];
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  /** When the calling token expires (null: never); tokens it mints may not outlive it. */
  tokenExpiresAt?: Date | null;
}

/** Per-call context a use case passes into the events it writes. */
export interface CallContext {
  principal: Principal;
  traceparent?: string | undefined;
}
