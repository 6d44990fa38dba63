/** @module @todo/cli — process composition, reused by tests and benchmarks. */
export { createRuntime, createLogger, jwtSecretFor, type Runtime } from './runtime.js';
