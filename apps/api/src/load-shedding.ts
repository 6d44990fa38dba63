/**
 * Sheds load before it queues: past the bound of requests in progress, or while the event loop
 * lags, a request is answered 503 with `Retry-After` at once instead of waiting (for a database
 * connection, for the CPU) behind the others until every caller times out. The bound adapts
 * (concurrency-limit.ts): it shrinks while requests take longer than the latency target and
 * grows back while they are faster, never past `maxInFlight`. Health probes are always
 * answered, and live-update streams (capped per user by the SSE hub) do not count: they stay
 * open for hours without working.
 *
 * The decision is taken in the HTTP server's own request listener, before Fastify sees the
 * request: a refusal costs no routing, hooks, logging or serialisation (its bytes are made
 * once, here), so under a flood of excess requests the CPU goes to the admitted ones.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { problem } from './problem.js';

// Not `import … from 'node:http'`: an ES import of it reads every export, and its `WebSocket`
// getter loads Node's bundled fetch/WebSocket client (~2.5 MiB of heap) that this server never uses.
const { createServer } = process.getBuiltinModule('node:http');

export interface LoadSheddingOptions {
  /** The most requests in progress at once; more are shed (0 = no bound). */
  maxInFlight: number;
  /** Latency target, ms: while requests take longer, the bound shrinks below `maxInFlight` (0 = fixed bound). */
  maxQueueMs: number;
  /** Mean event-loop delay, ms, above which requests are shed (0 = never). */
  maxEventLoopDelayMs: number;
  /** Seconds a shed client is asked to wait. */
  retryAfterSeconds?: number;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/api/events/stream']);
/** Count against the bound, but their length is an assistant's thinking, not a queue. */
const LONG_RUNNING = new Set(['/api/chat']);
/**
 * How many requests must be stuck past the target to call it a queue before any finishes:
 * one slow request is just slow, several stuck together mean requests wait for the database.
 */
const QUEUED = 8;

interface InProgress {
  since: number;
  queues: boolean;
}

interface Refusal {
  headers: Record<string, string>;
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ShedLog {
  warn(fields: object, message: string): void;
}

/** At most one log line about refusals per this many ms. */
const REPORT_EVERY_MS = 10_000;

const pathOf = (url = '/'): string => {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};

/** A refusal made once: every 503 of one reason is the same bytes. */
function refusal(retryAfter: number, detail: string): Refusal {
  const body = Buffer.from(JSON.stringify(problem('OVERLOADED', `${detail}; retry after ${retryAfter} s`)));
  return {
    body,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(body.length),
      'retry-after': String(retryAfter),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  };
}

export class LoadShedder {
  /** In arrival order. */
  private readonly inProgress = new Set<InProgress>();
  private readonly limit: ConcurrencyLimit | undefined;
  private lagging: () => boolean = () => false;
  private readonly refusals: { lag: Refusal; limit: Refusal };
  private shedSinceReport = 0;
  private reportedAt = -Infinity;

  /** `now`: milliseconds on the app's clock; `log` is told how many were shed, now and then. */
  constructor(
    private readonly opts: LoadSheddingOptions,
    private readonly now: () => number,
    private readonly log?: ShedLog,
  ) {
    const retryAfter = opts.retryAfterSeconds ?? 1;
    this.refusals = {
      lag: refusal(retryAfter, 'the server is overloaded'),
      limit: refusal(retryAfter, 'too many requests in progress'),
    };
    if (opts.maxQueueMs > 0) {
      this.limit = new ConcurrencyLimit({ targetMs: opts.maxQueueMs, ceiling: opts.maxInFlight || Infinity }, now());
    }
  }

  /** For Fastify's `serverFactory`: an HTTP server that asks `admit` before handing a request on. */
  readonly serverFactory = (handler: Handler, options: FastifyServerOptions): Server => {
    const server = createServer((req, res) => {
      if (this.admit(req, res)) handler(req, res);
    });
    // What Fastify sets on a server it creates itself.
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  };

  /** Samples the event loop (with @fastify/under-pressure, which answers nothing itself). */
  async watchEventLoop(app: FastifyInstance): Promise<void> {
    if (this.opts.maxEventLoopDelayMs <= 0) return;
    await app.register(underPressure, {
      maxEventLoopDelay: this.opts.maxEventLoopDelayMs,
      // Sampled often, so shedding starts (and stops) within a fraction of a second.
      sampleInterval: 100,
      // Decided in `admit`, before Fastify sees the request.
      pressureHandler: () => undefined,
    });
    this.lagging = () => app.isUnderPressure();
  }

  /** The bound in force now (Infinity: none). */
  get bound(): number {
    return this.limit?.limit ?? (this.opts.maxInFlight || Infinity);
  }

  /** Admits the request (and tracks it until its response closes), or answers it 503 and returns false. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const path = pathOf(req.url);
    if (EXEMPT.has(path)) return true;
    const inProgress = this.inProgress;
    // A lone request is never shed for lag: with nothing else in progress, the stall (start-up,
    // an embedded query) is already over, and refusing it would help nobody.
    if (inProgress.size > 0 && this.lagging()) return this.shed(res, this.refusals.lag, this.now());
    const now = this.now();
    const admitted = this.limit
      ? this.limit.admits(inProgress.size, now, () => this.stuckMs(now))
      : !this.opts.maxInFlight || inProgress.size < this.opts.maxInFlight;
    if (!admitted) return this.shed(res, this.refusals.limit, now);
    const entry = { since: now, queues: !LONG_RUNNING.has(path) };
    inProgress.add(entry);
    // 'close' fires once per response, however it ended (sent, hijacked, or the client left).
    res.once('close', () => {
      inProgress.delete(entry);
      if (entry.queues) this.limit?.record(this.now() - entry.since);
    });
    return true;
  }

  /** How long the QUEUED-th oldest request in progress has waited (0 with fewer in progress). */
  private stuckMs(now: number): number {
    let seen = 0;
    for (const entry of this.inProgress) if (entry.queues && ++seen >= QUEUED) return now - entry.since;
    return 0;
  }

  private shed(res: ServerResponse, answer: Refusal, now: number): false {
    res.writeHead(503, answer.headers);
    res.end(answer.body);
    // Refusals never reach Fastify's request log: they are counted and told in one line at most
    // every REPORT_EVERY_MS, not one line each when thousands a second arrive.
    this.shedSinceReport++;
    if (now - this.reportedAt >= REPORT_EVERY_MS) {
      const bound = this.bound;
      this.log?.warn(
        { shed: this.shedSinceReport, bound },
        `${this.shedSinceReport} requests shed with 503 since the last such line (in-flight bound ${bound})`,
      );
      this.shedSinceReport = 0;
      this.reportedAt = now;
    }
    return false;
  }
}
