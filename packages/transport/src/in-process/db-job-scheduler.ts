/**
 * The embedded JobScheduler: one-shot jobs as rows of `jobs`, so they survive
 * restarts; whichever process claims a due job first fires it (leases, and SKIP LOCKED on
 * PostgreSQL). At-least-once, like the Dapr scheduler.
 *
 * Due jobs are claimed a batch at a time (one statement) and fired `concurrency` at a time; the
 * fired ones are deleted together when the batch is done (one statement), so a storm of jobs due
 * at once costs two statements per batch on top of the handlers' own work
 * (docs/reminders-under-load.md).
 */
import { and, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Clock } from '@todo/domain';
import { schema, type Db } from '@todo/storage';
import type { HandlerOutcome, JobHandler, JobRequest, JobScheduler } from '../ports.js';
import { silentLogger, type Logger } from '../logger.js';
import { errorMessage, isPoison } from './failure.js';
import { addMs, defaultBackoff, type Backoff } from './backoff.js';
import { jsonb } from './json.js';
import { PassRunner, Ticker } from './runner.js';

const { jobs } = schema;
type JobRow = typeof jobs.$inferSelect;

export interface DbJobSchedulerOptions {
  db: Db;
  clock: Clock;
  logger?: Logger;
  /** Handler runs per job before it is given up (deleted and logged). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Longest sleep between looks; the loop wakes earlier for the next due job or a `schedule`. */
  pollIntervalMs?: number;
  /** How long a claimed job stays invisible to other processes (crash recovery). */
  leaseMs?: number;
  /** Jobs claimed at once. */
  batchSize?: number;
  /** Handlers of a batch running at once. */
  concurrency?: number;
}

export class DbJobScheduler implements JobScheduler {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private stopping = false;
  private readonly runner: PassRunner;
  private readonly ticker: Ticker;
  private handler: JobHandler | undefined;
  private running = false;
  private activity = 0;

  constructor(options: DbJobSchedulerOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? defaultBackoff;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 16;
    const onError = (err: unknown) => this.logger.error({ err }, 'job scheduler loop failed');
    this.runner = new PassRunner(() => this.pass(), onError);
    this.ticker = new Ticker(
      () => this.runner.runUntilIdle(),
      () => this.nextDelayMs(),
      this.pollIntervalMs,
      onError,
    );
  }

  async schedule(name: string, job: JobRequest): Promise<void> {
    if (!name) throw new TypeError('a job needs a name');
    if (Number.isNaN(job.dueTime.getTime())) throw new TypeError(`job "${name}" has an invalid dueTime`);
    // Replacing a job starts it afresh: no attempts spent, no lease, so a run in progress cannot delete it.
    await this.db
      .insert(jobs)
      .values({ name, dueAt: job.dueTime, data: jsonb(job.data ?? null), attempts: 0, lockedUntil: null, lastError: null })
      .onConflictDoUpdate({
        target: jobs.name,
        set: { dueAt: sql`excluded.due_at`, data: sql`excluded.data`, attempts: 0, lockedUntil: null, lastError: null },
      });
    this.ticker.poke();
  }

  async cancel(name: string): Promise<void> {
    await this.db.delete(jobs).where(eq(jobs.name, name));
  }

  onJob(handler: JobHandler): void {
    if (this.handler) throw new Error('onJob() was already called; a scheduler has a single job handler');
    this.handler = handler;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (!this.handler) throw new Error('call onJob() before start(): due jobs would have nobody to fire them');
    this.running = true;
    this.runner.resume();
    this.ticker.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.ticker.stop();
    try {
      await this.runner.halt();
    } finally {
      this.stopping = false;
    }
  }

  /** Fires everything due now (by the injected clock), including jobs those handlers schedule, then resolves. */
  async drain({ maxRounds = 1000 }: { maxRounds?: number } = {}): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      const before = this.activity;
      if ((await this.runner.runPass()) === 0 && this.activity === before) return;
    }
    throw new Error(`job scheduler drain: still busy after ${maxRounds} rounds`);
  }

  private async pass(): Promise<number> {
    const handler = this.handler;
    if (!handler) throw new Error('no job handler: call onJob() first');
    const now = this.clock.now();
    const lease = addMs(now, this.leaseMs);
    const due = this.db
      .select({ name: jobs.name })
      .from(jobs)
      .where(and(lte(jobs.dueAt, now), or(isNull(jobs.lockedUntil), lte(jobs.lockedUntil, now))))
      .orderBy(jobs.dueAt, jobs.name)
      .limit(this.batchSize)
      .for('update', { skipLocked: true });
    const rows = await this.db.update(jobs).set({ lockedUntil: lease }).where(inArray(jobs.name, due)).returning();
    // Stop starting jobs whose lease may lapse under us (or when stopping); they are handed back below.
    const halfLease = addMs(now, this.leaseMs / 2);
    const done: JobRow[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length && !this.stopping && this.clock.now() < halfLease) {
        const row = rows[next++]!;
        if (await this.fire(handler, row, lease)) done.push(row);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
    } finally {
      await this.finish(done, rows.slice(next), lease);
    }
    return next;
  }

  /**
   * Deletes the fired jobs — only the version fired: a reschedule during the run reset the lease
   * and must survive — and hands back the ones never started.
   */
  private async finish(done: readonly JobRow[], unstarted: readonly JobRow[], lease: Date): Promise<void> {
    if (done.length) {
      const fired: SQL[] = done.map((row) => and(eq(jobs.name, row.name), eq(jobs.dueAt, row.dueAt))!);
      await this.db.delete(jobs).where(and(eq(jobs.lockedUntil, lease), or(...fired)));
    }
    if (unstarted.length)
      await this.db
        .update(jobs)
        .set({ lockedUntil: null })
        .where(
          and(
            eq(jobs.lockedUntil, lease),
            inArray(
              jobs.name,
              unstarted.map((row) => row.name),
            ),
          ),
        );
  }

  /** Runs the handler; true when the job is done with (acked or dropped) and may be deleted. */
  private async fire(handler: JobHandler, row: JobRow, lease: Date): Promise<boolean> {
    let outcome: HandlerOutcome;
    try {
      outcome = await handler(row.name, row.data);
    } catch (err) {
      await this.fail(row, lease, errorMessage(err), isPoison(err));
      this.activity++;
      return false;
    }
    this.activity++;
    switch (outcome) {
      case 'ack':
        return true;
      case 'drop':
        this.logger.warn({ job: row.name, attempt: row.attempts + 1 }, 'job dropped by its handler');
        return true;
      case 'retry':
        await this.fail(row, lease, 'handler asked to retry');
        return false;
      default:
        await this.fail(row, lease, `handler returned ${String(outcome as unknown)}`);
        return false;
    }
  }

  private async fail(row: JobRow, lease: Date, reason: string, poison = false): Promise<void> {
    const attempts = row.attempts + 1;
    const ours = and(eq(jobs.name, row.name), eq(jobs.lockedUntil, lease));
    if (!poison && attempts < this.maxAttempts) {
      const dueAt = addMs(this.clock.now(), this.backoff(attempts));
      await this.db.update(jobs).set({ attempts, dueAt, lockedUntil: null, lastError: reason }).where(ours);
      return;
    }
    const removed = await this.db.delete(jobs).where(ours).returning({ name: jobs.name });
    if (removed.length)
      this.logger.error(
        { job: row.name, attempts, lastError: reason },
        poison ? 'poison job given up without retry' : 'job given up after its retry budget',
      );
  }

  /** Sleep until the next job (or expiring lease) is due by the clock, but never longer than the poll interval. */
  private async nextDelayMs(): Promise<number> {
    const [row] = await this.db
      .select({ next: sql`min(greatest(${jobs.dueAt}, coalesce(${jobs.lockedUntil}, ${jobs.dueAt})))`.mapWith(jobs.dueAt) })
      .from(jobs);
    const next = row?.next as Date | null | undefined;
    if (!next) return this.pollIntervalMs;
    return Math.max(0, Math.min(this.pollIntervalMs, next.getTime() - this.clock.now().getTime()));
  }
}
