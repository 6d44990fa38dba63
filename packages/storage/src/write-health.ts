/**
 * Whether writes work. A write refused for lack of space (a full disk) turns readiness off, so
 * a load balancer stops sending work that would only fail; while it is off each readiness
 * probe tries a write that is rolled back, and readiness comes back once that succeeds — and,
 * where the data folder is on this machine, once there is room again: on a full disk a small
 * write still fits in the free space of a page while the next task does not (seen on a full
 * tmpfs). No restart is needed. Reads keep being served throughout.
 */
import { databaseFailureOf, isStorageFull } from './database-errors.js';

export interface Room {
  /** Free bytes where the database writes. */
  freeBytes(): number;
  /** Free bytes needed to call writes healthy again. */
  needed: number;
}

export class WriteHealth {
  private full = false;

  constructor(
    private readonly probeWrite: () => Promise<void>,
    private readonly room?: Room,
  ) {}

  /**
   * Remembers a failure that was a lack of space; says whether it was. On a nearly full disk
   * any failed query counts: not every write that finds no room answers disk_full (a server
   * that cannot write its WAL stops, and its clients see lost connections instead).
   */
  noteFailure(error: unknown): boolean {
    const lackOfSpace =
      isStorageFull(error) ||
      (this.room !== undefined && databaseFailureOf(error) !== undefined && this.room.freeBytes() < this.room.needed);
    if (lackOfSpace) this.full = true;
    return lackOfSpace;
  }

  /** For readiness: resolves while writes work, rejects while the disk is full. */
  async check(): Promise<void> {
    if (!this.full) return;
    try {
      await this.probeWrite();
    } catch (error) {
      if (isStorageFull(error)) throw new Error('out of disk space: writes are refused until space is freed');
      throw error;
    }
    const free = this.room?.freeBytes();
    if (this.room && free !== undefined && free < this.room.needed) {
      const mib = (bytes: number) => Math.floor(bytes / 1024 / 1024);
      throw new Error(
        `out of disk space: ${mib(free)} MiB free, ${mib(this.room.needed)} MiB needed before writes are trusted again`,
      );
    }
    this.full = false;
  }
}
