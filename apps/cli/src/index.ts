/** @module @todo/cli — process composition, reused by tests and benchmarks. */
export { createRuntime, createLogger, type Runtime } from './runtime.js';
export { jwtSecretFor } from './data-dir.js';
