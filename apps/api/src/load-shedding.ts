/**
 * Sheds load before it queues: past a bound of requests in progress, once several requests
 * have waited longer than a bound, or while the event loop lags, a request is answered 503
 * with `Retry-After` at once instead of waiting (for a database connection, for the CPU)
 * behind the others until every caller times out. Health probes are always answered, and
 * live-update streams (capped per user by the SSE hub) do not count: they stay open for hours
 * without working.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problem.js';

export interface LoadSheddingOptions {
  /** Requests in progress at once; more are shed (0 = no bound). */
  maxInFlight: number;
  /** Requests are queueing once several have been in progress this long, ms; new ones are shed (0 = never). */
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
 * How many requests must be older than `maxQueueMs` to call it a queue: one slow request is
 * just slow, several stuck together mean requests wait for the database or the CPU.
 */
const QUEUED = 8;

interface InProgress {
  since: number;
  queues: boolean;
}

const exempt = (request: FastifyRequest): boolean => EXEMPT.has(request.routeOptions.url ?? '');

function shed(reply: FastifyReply, retryAfter: number, detail: string): FastifyReply {
  reply.header('retry-after', String(retryAfter));
  return sendProblem(reply, problem('OVERLOADED', `${detail}; retry after ${retryAfter} s`));
}

/** Whether QUEUED requests have been in progress since before `cutoff` (the set is in arrival order). */
function queueing(inProgress: Set<InProgress>, cutoff: number): boolean {
  let old = 0;
  for (const entry of inProgress) {
    if (entry.since > cutoff) return false;
    if (entry.queues && ++old >= QUEUED) return true;
  }
  return false;
}

export async function registerLoadShedding(app: FastifyInstance, opts: LoadSheddingOptions): Promise<void> {
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const lagging = opts.maxEventLoopDelayMs > 0 ? await measureEventLoop(app, opts.maxEventLoopDelayMs) : () => false;
  const inProgress = new Set<InProgress>();
  app.addHook('onRequest', async (request, reply) => {
    if (exempt(request)) return;
    // A lone request is never shed for lag: with nothing else in progress, the stall (start-up,
    // an embedded query) is already over, and refusing it would help nobody.
    if (inProgress.size > 0 && lagging()) return shed(reply, retryAfter, 'the server is overloaded');
    if (opts.maxInFlight > 0 && inProgress.size >= opts.maxInFlight) {
      return shed(reply, retryAfter, 'too many requests in progress');
    }
    const now = performance.now();
    if (opts.maxQueueMs > 0 && queueing(inProgress, now - opts.maxQueueMs)) {
      return shed(reply, retryAfter, 'requests are waiting too long');
    }
    const entry = { since: now, queues: !LONG_RUNNING.has(request.routeOptions.url ?? '') };
    inProgress.add(entry);
    // 'close' fires once per response, however it ended (sent, hijacked, or the client left).
    reply.raw.once('close', () => inProgress.delete(entry));
  });
}

/** Whether the event loop lags, sampled by @fastify/under-pressure (which answers nothing itself). */
async function measureEventLoop(app: FastifyInstance, maxEventLoopDelay: number): Promise<() => boolean> {
  await app.register(underPressure, {
    maxEventLoopDelay,
    // Sampled often, so shedding starts (and stops) within a fraction of a second.
    sampleInterval: 100,
    // Decided in the hook above, with the problem+json answer of every other error.
    pressureHandler: () => undefined,
  });
  return () => app.isUnderPressure();
}
