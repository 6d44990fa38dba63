/**
 * The logging the transports need: a pino-compatible subset, injected so this package never
 * chooses a logger (or its configuration) for the app.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
