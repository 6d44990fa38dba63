/**
 * Loop machinery shared by the bus, the scheduler and the relay. Work is done in *passes*
 * (claim a batch, handle it). Passes of one runner never overlap, whether they come from the
 * timer, a wake-up or `drain()`, which is what makes a subscription sequential.
 */
export class PassRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private looping = false;
  private again = false;
  private halted = false;

  /**
   * @param mayHaveMore whether a pass that handled this many items may have left some behind; by
   *   default any item at all (an empty pass ends a loop). A pass that claims up to a batch size can
   *   say `handled >= batchSize`: what was committed during the pass wakes the runner anyway.
   */
  constructor(
    private readonly pass: () => Promise<number>,
    private readonly onError: (err: unknown) => void,
    private readonly mayHaveMore: (handled: number) => boolean = (handled) => handled > 0,
  ) {}

  /** One pass, queued behind any pass in progress; resolves to how many items it handled. */
  runPass(): Promise<number> {
    const result = this.tail.then(() => this.pass());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Background mode: passes until one finds nothing. A wake-up during a loop asks for one more
   * round instead of starting a second loop. Never rejects: errors are reported and the next
   * tick tries again.
   */
  async runUntilIdle(): Promise<void> {
    if (this.halted) return;
    if (this.looping) {
      this.again = true;
      return;
    }
    this.looping = true;
    try {
      do {
        this.again = false;
        let handled: number;
        do handled = await this.runPass();
        while (this.mayHaveMore(handled) && !this.halted);
      } while (this.again && !this.halted);
    } catch (err) {
      this.onError(err);
    } finally {
      this.looping = false;
    }
  }

  /** Background loops may run again (after `halt`). */
  resume(): void {
    this.halted = false;
  }

  /** Stops background loops from starting passes and waits for the pass in progress. */
  async halt(): Promise<void> {
    this.halted = true;
    await this.tail;
  }
}

/**
 * Real timers decide only *when to look*; what is due is always judged by the injected clock,
 * so tests can move time without sleeping.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private firing = false;
  private poked = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly nextDelayMs: () => Promise<number>,
    /** Used when computing the next delay failed (e.g. the database is briefly away). */
    private readonly fallbackMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.arm(0);
  }

  /** Look again now rather than at the next scheduled tick. */
  poke(): void {
    if (!this.active) return;
    if (this.firing) {
      this.poked = true;
      return;
    }
    this.arm(0);
  }

  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fire(), ms);
  }

  private async fire(): Promise<void> {
    this.firing = true;
    this.poked = false;
    let delay = this.fallbackMs;
    try {
      await this.tick();
      delay = await this.nextDelayMs();
    } catch (err) {
      this.onError(err);
    } finally {
      this.firing = false;
    }
    if (this.active) this.arm(this.poked ? 0 : delay);
  }
}
