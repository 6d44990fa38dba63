/**
 * JobScheduler over the Dapr Jobs API (needs the Dapr scheduler service, not a component).
 *
 * `schedule` → `POST /v1.0/jobs/{name}` with `dueTime`, `data` and `overwrite: true` (1.16+
 * answers 409 for an existing name otherwise). `cancel` → `DELETE /v1.0/jobs/{name}`. The
 * sidecar fires `POST /job/{name}` on the app with the scheduled `data` as the whole body; the
 * reply decides: 2xx = done (ack, drop, poison), 500 = failed → the job's failure policy
 * retries it (Dapr's default: constant 1 s, 3 retries), then drops it.
 */
import type { Logger } from '../logger.js';
import { PoisonEventError, type JobHandler, type JobRequest, type JobScheduler } from '../ports.js';
import { DaprError, type DaprClient } from './client.js';

export interface DaprJobFailurePolicy {
  /** Wait between attempts. */
  intervalMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
}

export interface DaprJobSchedulerOptions {
  client: DaprClient;
  logger: Logger;
  /** Omitted: Dapr's default (constant 1 s, 3 retries). */
  failurePolicy?: DaprJobFailurePolicy;
}

/** Whether the sidecar should count a trigger as done (`done`) or failed (`retry`). */
export type DaprJobReply = 'done' | 'retry';

const jobPath = (name: string) => `/v1.0/jobs/${encodeURIComponent(name)}`;

export class DaprJobScheduler implements JobScheduler {
  private readonly client: DaprClient;
  private readonly logger: Logger;
  private readonly failurePolicy: DaprJobFailurePolicy | undefined;
  private handler: JobHandler | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: DaprJobSchedulerOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.failurePolicy = options.failurePolicy;
  }

  async schedule(name: string, job: JobRequest): Promise<void> {
    const body: Record<string, unknown> = { dueTime: job.dueTime.toISOString(), data: job.data ?? null, overwrite: true };
    if (this.failurePolicy) {
      body.failurePolicy = {
        // protojson Duration: seconds with an "s" suffix ("1.5s"), not Go durations like "1500ms".
        constant: { interval: `${this.failurePolicy.intervalMs / 1000}s`, maxRetries: this.failurePolicy.maxRetries },
      };
    }
    await this.client.request('POST', jobPath(name), { body });
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.client.request('DELETE', jobPath(name), { accept: [404] });
    } catch (error) {
      // Some versions answer 500 "not found" for a missing job instead of 404 (GET does the same).
      if (error instanceof DaprError && /not found/i.test(error.detail)) return;
      throw error;
    }
  }

  onJob(handler: JobHandler): void {
    if (this.handler) throw new Error('DaprJobScheduler already has a job handler');
    this.handler = handler;
  }

  async start(): Promise<void> {
    if (this.state === 'stopped') throw new Error('a stopped DaprJobScheduler cannot start again');
    this.state = 'started';
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    await Promise.allSettled([...this.inFlight]);
  }

  /** Handles one trigger from the sidecar (`POST /job/{name}`). */
  fire(name: string, data: unknown): Promise<DaprJobReply> {
    const run = this.run(name, data);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async run(name: string, data: unknown): Promise<DaprJobReply> {
    const handler = this.handler;
    if (this.state !== 'started' || !handler) return 'retry';
    try {
      const outcome = await handler(name, data);
      if (outcome === 'retry') {
        this.logger.warn({ job: name }, 'job handler asked to retry; dapr retries per the failure policy');
        return 'retry';
      }
      if (outcome === 'drop') this.logger.warn({ job: name }, 'job handler dropped the job');
      return 'done';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PoisonEventError) {
        this.logger.error({ job: name, reason }, 'poison job: giving it up');
        return 'done';
      }
      this.logger.warn({ job: name, reason }, 'job handler failed; dapr retries per the failure policy');
      return 'retry';
    }
  }
}
