/**
 * Sheds load before it queues: past a bound of requests in progress, or while the event loop
 * lags, a request is answered 503 with `Retry-After` at once instead of waiting (for a
 * database connection, for the CPU) behind the others until every caller times out. Health
 * probes are always answered, and live-update streams (capped per user by the SSE hub) do not
 * count: they stay open for hours without working.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problem.js';

export interface LoadSheddingOptions {
  /** Requests in progress at once; more are shed (0 = no bound). */
  maxInFlight: number;
  /** Mean event-loop delay, ms, above which requests are shed (0 = never). */
  maxEventLoopDelayMs: number;
  /** Seconds a shed client is asked to wait. */
  retryAfterSeconds?: number;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/api/events/stream']);

const exempt = (request: FastifyRequest): boolean => EXEMPT.has(request.routeOptions.url ?? '');

function shed(reply: FastifyReply, retryAfter: number, detail: string): FastifyReply {
  reply.header('retry-after', String(retryAfter));
  return sendProblem(reply, problem('OVERLOADED', `${detail}; retry after ${retryAfter} s`));
}

export async function registerLoadShedding(app: FastifyInstance, opts: LoadSheddingOptions): Promise<void> {
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const lagging = opts.maxEventLoopDelayMs > 0 ? await measureEventLoop(app, opts.maxEventLoopDelayMs) : () => false;
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (exempt(request)) return;
    if (lagging()) return shed(reply, retryAfter, 'the server is overloaded');
    if (opts.maxInFlight <= 0) return;
    if (inFlight >= opts.maxInFlight) return shed(reply, retryAfter, 'too many requests in progress');
    inFlight++;
    // 'close' fires once per response, however it ended (sent, hijacked, or the client left).
    reply.raw.once('close', () => inFlight--);
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
