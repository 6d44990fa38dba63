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

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const checked = (channel: string): string => {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
};

/**
 * Notifications on a PostgreSQL server: `notify` goes through the pool; each `listen` holds a
 * connection of its own (a pooled one would be handed to other queries), and opens a new one,
 * with growing pauses, when it is lost.
 */
export function postgresNotifications(
  url: string,
  pool: pg.Pool,
  onError: (error: Error) => void = () => undefined,
): Notifications {
  return {
    notify: async (channel, payload) => {
      await pool.query('select pg_notify($1, $2)', [checked(channel), payload]);
    },
    listen: async (channel, onPayload) => {
      const name = checked(channel);
      let client: pg.Client | undefined;
      let stopped = false;
      let pauseMs = 500;
      const connect = async (): Promise<void> => {
        const next = new pg.Client({ connectionString: url });
        next.on('notification', (message) => {
          if (message.channel === name && message.payload !== undefined) onPayload(message.payload);
        });
        next.on('error', (error) => {
          onError(error);
          void reconnect(next);
        });
        next.on('end', () => void reconnect(next));
        await next.connect();
        await next.query(`listen ${name}`);
        client = next;
        pauseMs = 500;
      };
      const reconnect = async (lost: pg.Client): Promise<void> => {
        if (stopped || client !== lost) return;
        client = undefined;
        while (!stopped && !client) {
          await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
          pauseMs = Math.min(pauseMs * 2, 30_000);
          await connect().catch(onError);
        }
      };
      await connect();
      return async () => {
        stopped = true;
        await client?.end().catch(() => undefined);
      };
    },
  };
}
