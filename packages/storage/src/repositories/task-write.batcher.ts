/**
 * Task writes arriving together are written together (group commit). A write goes out at once
 * when no statement is running; otherwise it waits for the running one and leaves with
 * everything that queued meanwhile, as one statement (task-write.statement.ts). There is no
 * timer: a lone write is never delayed, and under load the batches grow by themselves.
 *
 * Why: the statement's fixed cost is most of it — alone, a create cost ~1 ms of PostgreSQL CPU;
 * in a batch of ten, ~0.25 ms each — and creates of one owner no longer queue one by one on the
 * owner's `#N` counter (bench:api, create). One statement at a time: under load that made
 * batches twice as large as two did, and creates 15–40 % faster, because the second statement
 * only waited for the first one's lock on the `#N` counter.
 *
 * A batch is one statement, so it fails whole. One bad write (a key already taken, a category
 * deleted meanwhile, a duplicate next occurrence) must not fail the others, so a failed batch
 * is written again one caller's writes at a time, and each caller gets its own outcome.
 */
import type { Db } from '../db.js';
import { writeTasks, type StoredTaskWrite, type TaskWrite } from './task-write.statement.js';

interface Waiting {
  writes: readonly TaskWrite[];
  resolve: (stored: StoredTaskWrite[]) => void;
  reject: (error: unknown) => void;
}

export interface TaskWriteBatcherOptions {
  /** Writes in one statement at most. */
  maxBatch?: number;
  /** Told the number of writes in each statement (a metric, a test). */
  onBatch?: (size: number) => void;
}

export class TaskWriteBatcher {
  private readonly queue: Waiting[] = [];
  private running = false;
  private readonly maxBatch: number;
  private readonly onBatch: ((size: number) => void) | undefined;

  constructor(
    private readonly db: Db,
    options: TaskWriteBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.onBatch = options.onBatch;
  }

  /** One caller's writes, all or none (see `writeTasks`); results in their order. */
  write(writes: readonly TaskWrite[]): Promise<StoredTaskWrite[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.running || !this.queue.length) return;
    const batch: Waiting[] = [];
    let size = 0;
    while (this.queue.length && (batch.length === 0 || size + this.queue[0]!.writes.length <= this.maxBatch)) {
      const waiting = this.queue.shift()!;
      size += waiting.writes.length;
      batch.push(waiting);
    }
    this.running = true;
    void this.run(batch, size);
  }

  private written(): void {
    this.running = false;
    this.next();
  }

  private async run(batch: Waiting[], size: number): Promise<void> {
    let stored: StoredTaskWrite[];
    try {
      this.onBatch?.(size);
      stored = await writeTasks(
        this.db,
        batch.flatMap((w) => w.writes),
      );
    } catch (error) {
      try {
        if (batch.length === 1) batch[0]!.reject(error);
        else await Promise.all(batch.map((w) => writeTasks(this.db, w.writes).then(w.resolve, w.reject)));
      } finally {
        this.written();
      }
      return;
    }
    // The next batch goes out before these callers build their responses, so that PostgreSQL
    // writes it meanwhile: sent after them, it had waited for all of that work in this process.
    this.written();
    let at = 0;
    for (const w of batch) {
      w.resolve(stored.slice(at, at + w.writes.length));
      at += w.writes.length;
    }
  }
}
