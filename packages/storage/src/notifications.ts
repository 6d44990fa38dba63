/**
 * PostgreSQL LISTEN/NOTIFY: a broadcast to every process connected to the same database —
 * how replicas of a role tell each other something without a broker. Best effort by nature:
 * a listener that is reconnecting misses what is sent meanwhile.
 */
import pg from 'pg';

export type Unlisten = () => Promise<void>;

export interface Notifications {
  /** Sends `payload` (under 8000 bytes) to every listener of `channel`, now (not at a commit). */
  notify(channel: string, payload: string): Promise<void>;
  /** Calls `onPayload` for each notification on `channel` until the returned function is called. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
}

type Handler = (payload: string) => void;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const checked = (channel: string): string => {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
};

/**
 * Notifications on a PostgreSQL server: `notify` goes through the pool; every `listen` of this
 * process shares one connection of its own (a pooled one would be handed to other queries, and
 * each connection is a server process: on the embedded server, ~10 MiB of memory each). It is
 * opened by the first `listen`, closed after the last unlisten, and opened again with growing
 * pauses when it is lost, listening again to every channel.
 */
export function postgresNotifications(
  url: string,
  pool: pg.Pool,
  onError: (error: Error) => void = () => undefined,
): Notifications {
  const handlers = new Map<string, Set<Handler>>();
  let client: pg.Client | undefined;
  /** The channels `client` listens to. */
  let listening = new Set<string>();
  let pauseMs = 500;
  // Changes to the connection run one after another, each bringing it in line with `handlers`.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (): Promise<void> => {
    const run = queue.then(sync);
    queue = run.catch(() => undefined);
    return run;
  };

  const sync = async (): Promise<void> => {
    if (!handlers.size) {
      const idle = client;
      client = undefined;
      await idle?.end().catch(() => undefined);
      return;
    }
    const current = client ?? (await open());
    for (const channel of handlers.keys()) {
      if (listening.has(channel)) continue;
      await current.query(`listen ${channel}`);
      listening.add(channel);
    }
    for (const channel of listening) {
      if (handlers.has(channel)) continue;
      await current.query(`unlisten ${channel}`);
      listening.delete(channel);
    }
  };
  const open = async (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.payload === undefined) return;
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload);
    });
    next.on('error', (error) => {
      onError(error);
      void reconnect(next);
    });
    next.on('end', () => void reconnect(next));
    await next.connect();
    client = next;
    listening = new Set();
    return next;
  };
  const reconnect = async (lost: pg.Client): Promise<void> => {
    if (client !== lost) return;
    client = undefined;
    while (handlers.size && !client) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
      pauseMs = Math.min(pauseMs * 2, 30_000);
      await serial().then(() => (pauseMs = 500), onError);
    }
  };
  /** Removes a handler, and its channel with its last one. */
  const drop = (channel: string, handler: Handler): void => {
    const listeners = handlers.get(channel);
    listeners?.delete(handler);
    if (listeners?.size === 0) handlers.delete(channel);
  };

  return {
    notify: async (channel, payload) => {
      await pool.query('select pg_notify($1, $2)', [checked(channel), payload]);
    },
    listen: async (channel, onPayload) => {
      const name = checked(channel);
      // Its own function: the same callback listening twice is two listeners.
      const handler: Handler = (payload) => onPayload(payload);
      handlers.set(name, (handlers.get(name) ?? new Set()).add(handler));
      try {
        await serial();
      } catch (error) {
        drop(name, handler);
        await serial().catch(() => undefined);
        throw error;
      }
      let stopped = false;
      return async () => {
        if (stopped) return;
        stopped = true;
        drop(name, handler);
        await serial().catch(() => undefined);
      };
    },
  };
}
