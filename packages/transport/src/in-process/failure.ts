import { PoisonEventError } from '../ports.js';

/** A handler may throw anything; the message is what ends up in `last_error` and the logs. */
export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message || err.name : typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));

/** By name too, so a second copy of this package in node_modules still counts. */
export const isPoison = (err: unknown): boolean =>
  err instanceof PoisonEventError || (err instanceof Error && err.name === 'PoisonEventError');
