/** @module @todo/api — the REST API as a Fastify app factory. */
export { createApp, type App, type AppDeps } from './app.js';
export type { ReadinessCheck } from './routes/health.routes.js';
export { problem, type Problem } from './problem.js';
export { DEFAULT_STREAMS_PER_USER, SseHub } from './sse-hub.js';
export { createHealthApp, createMetricsApp, type MetricsSource } from './health-app.js';
export { identify } from './auth.js';
export { listen, type ListenOptions } from './listen.js';
