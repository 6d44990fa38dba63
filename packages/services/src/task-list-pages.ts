import { createHash } from 'node:crypto';
import type { TaskListQuery } from '@todo/domain';
import type { Store } from '@todo/storage';
import type { Principal } from './deps.js';

/** A list response: the body to send, or null when the client's copy (`isCurrent`) is still right. */
export interface ListPage {
  body: string | null;
  /** Names the owner, the query and the state of the owner's data; absent for lists that depend on the time. */
  etag: string | undefined;
}

/** A version summed over more rows than this is folded into one row, in the background. */
const COMPACT_AFTER = 32;

/** What the pages need of the store: the owner's data version, and folding its rows. */
type ListVersions = Pick<Store['repos']['listVersions'], 'read' | 'compact'>;

/** How a list request was answered: 304, from the page cache, or by the list statement. */
export type ListPageOutcome = 'not_modified' | 'kept' | 'read';

/**
 * Serves task-list pages by the version of their owner's data: a client's copy whose ETag is
 * still current gets no body (HTTP 304), and a page read before is sent again from memory,
 * both after one indexed read instead of the list statement. A page nobody holds is read
 * at once: the list statement returns the version it read the page at, so it costs no more
 * than without any of this. `overdue` lists depend on the clock, not only on the data, and
 * always go to the database.
 */
export class TaskListPages {
  constructor(
    private readonly versions: ListVersions,
    private readonly cache: ListPageCache | undefined,
    private readonly read: (principal: Principal, query: TaskListQuery) => Promise<{ body: string; version: string | null }>,
    private readonly onPage: (outcome: ListPageOutcome) => void = () => {},
  ) {}

  private readonly compacting = new Set<string>();

  /** In the background: the version reads the same before and after, only cheaper. */
  private compact(userId: string): void {
    if (this.compacting.has(userId)) return;
    this.compacting.add(userId);
    void this.versions
      .compact(userId)
      .catch(() => {}) // a later read tries again
      .finally(() => this.compacting.delete(userId));
  }

  async page(principal: Principal, query: TaskListQuery, isCurrent?: (etag: string) => boolean): Promise<ListPage> {
    const { body, etag, outcome } = await this.answer(principal, query, isCurrent);
    this.onPage(outcome);
    return { body, etag };
  }

  private async answer(
    principal: Principal,
    query: TaskListQuery,
    isCurrent: ((etag: string) => boolean) | undefined,
  ): Promise<ListPage & { outcome: ListPageOutcome }> {
    if (query.overdue) return { body: (await this.read(principal, query)).body, etag: undefined, outcome: 'read' };
    const { userId } = principal;
    const queryKey = JSON.stringify(query);
    if (isCurrent || this.cache?.has(userId, queryKey)) {
      const { version, changes } = await this.versions.read(userId);
      if (changes > COMPACT_AFTER) this.compact(userId);
      const etag = etagOf(userId, version, queryKey);
      if (isCurrent?.(etag)) return { body: null, etag, outcome: 'not_modified' };
      const kept = this.cache?.get(userId, queryKey, version);
      if (kept !== undefined) return { body: kept, etag, outcome: 'kept' };
    }
    const { body, version } = await this.read(principal, query);
    // An empty page carries no version; it is cheap to read again.
    if (version === null) return { body, etag: undefined, outcome: 'read' };
    this.cache?.set(userId, queryKey, version, body);
    return { body, etag: etagOf(userId, version, queryKey), outcome: 'read' };
  }
}

/** Hashed: the version counts the user's writes, which is nobody else's business. */
const etagOf = (userId: string, version: string, queryKey: string) =>
  `W/"${createHash('sha256').update(`${userId}\u0000${version}\u0000${queryKey}`).digest('base64url').slice(0, 27)}"`;

/**
 * Task-list pages as sent, kept per owner and query under the owner's data version they were
 * read at (`list_changes`, which every write to the owner's tasks, tags and reminders
 * changes). A page is served again only while that version still reads the same, so each
 * replica keeps its own cache and none can serve a page another replica's write made stale.
 * Bounded by the characters it holds; the least recently used pages go first.
 */
export class ListPageCache {
  private readonly pages = new Map<string, { version: string; body: string }>();
  private size = 0;

  constructor(private readonly maxChars: number) {}

  /** Whether a page is kept for this owner and query, at any version. */
  has(userId: string, queryKey: string): boolean {
    return this.pages.has(cacheKey(userId, queryKey));
  }

  /** The page kept for this owner and query, if it was read at `version`. */
  get(userId: string, queryKey: string, version: string): string | undefined {
    const key = cacheKey(userId, queryKey);
    const page = this.pages.get(key);
    if (!page) return undefined;
    this.pages.delete(key);
    if (page.version !== version) {
      this.size -= page.body.length;
      return undefined;
    }
    this.pages.set(key, page); // most recently used goes last
    return page.body;
  }

  set(userId: string, queryKey: string, version: string, body: string): void {
    // One huge page would push out hundreds of ordinary ones.
    if (body.length > this.maxChars / 16) return;
    const key = cacheKey(userId, queryKey);
    const old = this.pages.get(key);
    if (old) {
      this.pages.delete(key);
      this.size -= old.body.length;
    }
    this.pages.set(key, { version, body });
    this.size += body.length;
    for (const [oldest, page] of this.pages) {
      if (this.size <= this.maxChars) break;
      this.pages.delete(oldest);
      this.size -= page.body.length;
    }
  }

  /** Characters held. */
  get chars(): number {
    return this.size;
  }
}

const cacheKey = (userId: string, queryKey: string) => `${userId}\u0000${queryKey}`;
