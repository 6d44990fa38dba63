/**
 * Server-Sent Events fan-out: each signed-in browser tab holds one stream, and every task or
 * notification event of its user is written to it. Fed by a bus subscription, so a change made
 * through MCP, the CLI or another tab shows up live.
 */
import type { ServerResponse } from 'node:http';
import { DomainError } from '@todo/domain';

const HEARTBEAT_MS = 20_000;
/** A user's tabs and devices; a client that opens more is leaking them. */
export const DEFAULT_STREAMS_PER_USER = 8;

export class SseHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly maxPerUser = DEFAULT_STREAMS_PER_USER) {
    // Comments keep idle proxies from closing the stream.
    this.heartbeat = setInterval(() => this.each((res) => res.write(': ping\n\n')), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Refuses (before writing anything) a stream beyond the user's cap; a closed stream frees its slot. */
  open(userId: string, res: ServerResponse): void {
    if ((this.streams.get(userId)?.size ?? 0) >= this.maxPerUser) {
      throw new DomainError(
        'TOO_MANY_STREAMS',
        `at most ${this.maxPerUser} live-update streams per user are open at once; close one first`,
      );
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const set = this.streams.get(userId) ?? new Set();
    set.add(res);
    this.streams.set(userId, set);
    res.on('close', () => {
      set.delete(res);
      if (!set.size) this.streams.delete(userId);
    });
  }

  /** Sends the event to its user's open streams; events of users with none are skipped. */
  publish(event: { id: string; type: string; data: unknown }): void {
    const userId = (event.data as { userId?: unknown }).userId;
    if (typeof userId !== 'string') return;
    const streams = this.streams.get(userId);
    if (!streams) return;
    const frame = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    for (const res of streams) res.write(frame);
  }

  /** Sends the event to the open streams of these users (the members of its project, looked up by the caller). */
  publishTo(userIds: Iterable<string>, event: { id: string; type: string; data: unknown }): void {
    const frame = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    for (const userId of userIds) for (const res of this.streams.get(userId) ?? []) res.write(frame);
  }

  /** Whether any stream of this user is open here. */
  watching(userId: string): boolean {
    return this.streams.has(userId);
  }

  get connections(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.each((res) => res.end());
    this.streams.clear();
  }

  private each(fn: (res: ServerResponse) => void): void {
    for (const set of this.streams.values()) for (const res of set) fn(res);
  }
}
