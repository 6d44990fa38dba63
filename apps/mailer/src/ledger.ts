/**
 * The delivery ledger of the reminder channels (email, push): an entry per effect, claimed
 * first-write-wins *before* sending and marked after, so that a duplicate delivery finds it and
 * stops, and a sender that died mid-send is replaced once its lease has passed
 * (docs/decisions/0002-delivery-ledgers.md).
 */
import type { Clock } from '@todo/domain';
import { StateConflictError, type StateStore } from '@todo/transport';

export interface LedgerEntry {
  status: 'sending' | 'sent' | 'skipped' | 'failed';
  at: string;
  messageId?: string;
}

/**
 * How long a "sending" claim blocks other deliveries of the same effect, by default: longer than
 * a send takes, and shorter than Dapr's delivery retry budget (the Helm chart's is about a
 * minute), so that the redeliveries of an effect whose sender died mid-send take it over before
 * the event is dead-lettered — and on Kafka, where the failing delivery holds its partition, the
 * other reminders on it wait this long, not the whole budget (found by the replica chaos soak).
 */
export const DEFAULT_CLAIM_LEASE_MS = 30_000;

export class DeliveryLedger {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    /** How long a "sending" claim blocks other deliveries of the same effect. */
    private readonly leaseMs: number = DEFAULT_CLAIM_LEASE_MS,
  ) {}

  /**
   * The claim's etag to finish it with, or null when the effect is done already. First write
   * on a new entry — the usual case, one round trip — and only when that finds an entry, a read
   * to decide whether it is done, being sent, or failed. Throws StateConflictError when another
   * delivery changed the entry meanwhile, or an Error while another holds it.
   */
  async claim(key: string): Promise<string | null> {
    const entry: LedgerEntry = { status: 'sending', at: this.clock.now().toISOString() };
    try {
      return await this.state.set(key, entry, { firstWrite: true });
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
    }
    const current = await this.state.get<LedgerEntry>(key);
    // Deleted meanwhile: the next delivery claims it afresh.
    if (!current) throw new StateConflictError(key);
    const { status, at } = current.value;
    if (status === 'sent' || status === 'skipped') return null;
    if (status === 'sending' && this.clock.now().getTime() - new Date(at).getTime() < this.leaseMs)
      throw new Error('another delivery is sending this reminder');
    return this.state.set(key, entry, { etag: current.etag });
  }

  finish(key: string, etag: string, status: LedgerEntry['status'], messageId?: string): Promise<string> {
    const value: LedgerEntry = { status, at: this.clock.now().toISOString(), ...(messageId ? { messageId } : {}) };
    return this.state.set(key, value, { etag });
  }
}
