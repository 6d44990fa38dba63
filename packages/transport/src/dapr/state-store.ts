/**
 * StateStore over the Dapr state API, built for the PostgreSQL
 * v2 component (etags are random UUIDs).
 *
 * - `etag` given → `concurrency: first-write` + the etag; a mismatch (or a malformed etag) is 409.
 * - `firstWrite` → `concurrency: first-write` without an etag: the v2 component inserts only if
 *   the key is absent (or expired) and otherwise fails with a generic "no item was updated"
 *   (HTTP 500, not 409); that message is mapped to a conflict.
 * - The save API returns no etag, so `set` reads the key back. If another writer got in between,
 *   the value read back differs and `set` returns a fresh random etag that matches nothing:
 *   a later conditional write then conflicts, which is the truth (our value was replaced).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { StateConflictError, type SetOptions, type StateEntry, type StateStore } from '../ports.js';
import { DaprError, type DaprClient } from './client.js';

export interface DaprStateStoreOptions {
  client: DaprClient;
  /** Component name; `statestore` in our deployments. */
  storeName: string;
}

const isConflict = (error: unknown, firstWrite: boolean): boolean =>
  error instanceof DaprError &&
  (error.status === 409 ||
    error.status === 412 ||
    (firstWrite && error.status === 500 && /no item was updated/i.test(error.detail)));

export class DaprStateStore implements StateStore {
  private readonly client: DaprClient;
  private readonly base: string;

  constructor(options: DaprStateStoreOptions) {
    this.client = options.client;
    this.base = `/v1.0/state/${encodeURIComponent(options.storeName)}`;
  }

  async get<V = unknown>(key: string): Promise<StateEntry<V> | null> {
    const res = await this.client.request('GET', `${this.base}/${encodeURIComponent(key)}`, { query: { consistency: 'strong' } });
    if (res.status === 204 || res.text === '') return null;
    const etag = res.headers.get('etag');
    if (!etag) throw new Error(`dapr state "${key}": the sidecar answered without an ETag`);
    return { value: JSON.parse(res.text) as V, etag };
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<string> {
    const conditional = options.etag !== undefined || options.firstWrite === true;
    const item: Record<string, unknown> = {
      key,
      value,
      options: { concurrency: conditional ? 'first-write' : 'last-write', consistency: 'strong' },
    };
    if (options.etag !== undefined) item.etag = options.etag;
    try {
      await this.client.request('POST', this.base, { body: [item] });
    } catch (error) {
      if (isConflict(error, options.etag === undefined && options.firstWrite === true)) throw new StateConflictError(key);
      throw error;
    }
    const stored = await this.get(key);
    if (!stored || !isDeepStrictEqual(stored.value, JSON.parse(JSON.stringify(value)))) return randomUUID();
    return stored.etag;
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    const headers: Record<string, string> = {};
    if (options.etag !== undefined) headers['if-match'] = options.etag;
    try {
      await this.client.request('DELETE', `${this.base}/${encodeURIComponent(key)}`, {
        headers,
        query: { concurrency: options.etag === undefined ? 'last-write' : 'first-write', consistency: 'strong' },
      });
    } catch (error) {
      if (isConflict(error, false)) throw new StateConflictError(key);
      throw error;
    }
  }
}
