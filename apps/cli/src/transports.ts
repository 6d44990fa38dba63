/**
 * Picks the runtime behind the three ports. Embedded (default): the database is the broker,
 * the scheduler and the state store. `USE_DAPR=true`: the Dapr sidecar (issue #4).
 */
import type { Config } from '@todo/config';
import type { Clock, CloudEvent } from '@todo/domain';
import type { Database } from '@todo/storage';
import { DbEventBus, DbJobScheduler, DbStateStore, OutboxRelay, type Logger } from '@todo/transport';

export interface Transports {
  bus: DbEventBus;
  jobs: DbJobScheduler;
  state: DbStateStore;
  relay: OutboxRelay;
  replayDeadLetter(id: string): Promise<boolean>;
}

export function createTransports(
  config: Readonly<Config>,
  database: Database,
  clock: Clock,
  logger: Logger,
  onPublished?: (event: CloudEvent) => void,
): Transports {
  if (config.useDapr) {
    throw new Error('USE_DAPR=true: the Dapr transports are not part of this build yet; run without USE_DAPR (embedded runtime)');
  }
  const common = { db: database.db, kind: database.kind, clock, logger };
  const bus = new DbEventBus(common);
  const relay = new OutboxRelay({ ...common, bus, ...(onPublished ? { onPublished } : {}) });
  bus.attachRelay(relay);
  return {
    bus,
    relay,
    jobs: new DbJobScheduler(common),
    state: new DbStateStore({ db: database.db }),
    replayDeadLetter: (id) => bus.replayDeadLetter(id),
  };
}
