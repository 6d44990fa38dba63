/**
 * A background job run every `everyMs` and on demand — one run at a time (a call during a run
 * gets that run's result) — that stops cleanly: the reconciliations of the roles.
 */
export interface Periodic<T> {
  /** Runs the job now, or joins the run under way. */
  run(): Promise<T>;
  /** Starts the timer; `everyMs` 0 means never. The timer does not keep the process alive. */
  start(): void;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

export function periodic<T>(job: () => Promise<T>, everyMs: number, onError: (error: unknown) => void): Periodic<T> {
  let running: Promise<T> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = (): Promise<T> => (running ??= job().finally(() => (running = undefined)));
  return {
    run,
    start() {
      if (everyMs <= 0 || timer) return;
      timer = setInterval(() => run().catch(onError), everyMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
