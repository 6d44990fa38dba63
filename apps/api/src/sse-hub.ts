/**
 * Server-Sent Events fan-out: each signed-in browser tab holds one stream, and every task or
 * notification event of its user is written to it. Fed by a bus subscription, so a change made
 * through MCP, the CLI or another tab shows up live.
 */
import type { ServerResponse } from 'node:http';

const HEARTBEAT_MS = 20_000;

export class SseHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // Comments keep idle proxies from closing the stream.
    this.heartbeat = setInterval(() => this.each((res) => res.write(': ping\n\n')), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  open(userId: string, res: ServerResponse): void {
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
