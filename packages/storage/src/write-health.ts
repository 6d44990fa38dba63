/**
 * Whether writes work. A write refused for lack of space (a full disk) turns readiness off, so
 * a load balancer stops sending work that would only fail; while it is off each readiness
 * probe tries a write that is rolled back, and the first that succeeds turns it on again —
 * once space has been freed, without a restart. Reads keep being served throughout.
 */
import { isStorageFull } from './database-errors.js';

export class WriteHealth {
  private full = false;

  constructor(private readonly probeWrite: () => Promise<void>) {}

  /** Remembers a failure that was a lack of space; says whether it was. */
  noteFailure(error: unknown): boolean {
    if (!isStorageFull(error)) return false;
    this.full = true;
    return true;
  }

  /** For readiness: resolves while writes work, rejects while the disk is full. */
  async check(): Promise<void> {
    if (!this.full) return;
    try {
      await this.probeWrite();
      this.full = false;
    } catch (error) {
      if (isStorageFull(error)) throw new Error('out of disk space: writes are refused until space is freed');
      throw error;
    }
  }
}
