/**
 * Calendar feeds: a secret URL per feed that serves its owner's dated tasks as iCalendar
 * events to calendar apps that subscribe, without a session (docs/calendar.md). The secret is
 * shown once, when the feed is made; only its SHA-256 is stored, and revoking deletes the row,
 * so the URL answers 404 from then on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DomainError, TaskListQuery, enforce, policy, type CalendarFeed, type CalendarFeedCreate, type Task } from '@todo/domain';
import { tasksToFeed } from '@todo/ical';
import type { Principal, ServiceDeps } from './deps.js';
import type { TaskService } from './task.service.js';

/** The most events a feed holds: open tasks by soonest due first, then completed ones. */
export const MAX_FEED_EVENTS = 2000;
/** Completed tasks, when asked for, are those due in this many days back and later. */
export const COMPLETED_FEED_DAYS = 365;
const PAGE = 200;
const DAY_MS = 86_400_000;

export interface FeedDocument {
  body: string;
  /** A strong ETag: the body's hash (the body names no time of its making, so it changes only with the tasks). */
  etag: string;
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class CalendarFeedService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly tasks: Pick<TaskService, 'list'>,
    private readonly options: { publicUrl: string },
  ) {}

  list(principal: Principal): Promise<CalendarFeed[]> {
    return this.deps.store.repos.calendarFeeds.list(principal.userId);
  }

  /** A new feed and its URL: the only time the URL is told. */
  async create(principal: Principal, input: CalendarFeedCreate): Promise<{ feed: CalendarFeed; url: string }> {
    enforce(policy.createCalendarFeed(principal));
    const secret = randomBytes(32).toString('base64url');
    const feed = await this.deps.store.repos.calendarFeeds.insert({
      id: this.deps.ids.next(),
      userId: principal.userId,
      name: input.name,
      tokenHash: hashSecret(secret),
      prefix: secret.slice(0, 6),
      createdAt: this.deps.clock.now(),
    });
    return { feed, url: `${this.options.publicUrl.replace(/\/+$/, '')}/feeds/${secret}.ics` };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    if (!(await this.deps.store.repos.calendarFeeds.delete(principal.userId, id))) {
      throw new DomainError('NOT_FOUND', 'no such calendar feed');
    }
  }

  /** The feed behind a URL's secret; an unknown or revoked secret is NOT_FOUND. */
  async render(secret: string, options: { completed: boolean }): Promise<FeedDocument> {
    const found = await this.deps.store.repos.calendarFeeds.findByHash(hashSecret(secret));
    if (!found) throw new DomainError('NOT_FOUND', 'no such calendar feed');
    // The feed reads as its owner with a read-only credential: the same list, scoped the same way.
    const owner: Principal = { userId: found.userId, scopes: ['read'], via: 'token' };
    const events = await this.collect(owner, { status: 'open', sort: 'due', dueAfter: '1900-01-01' }, MAX_FEED_EVENTS);
    if (options.completed && events.length < MAX_FEED_EVENTS) {
      const since = new Date(this.deps.clock.now().getTime() - COMPLETED_FEED_DAYS * DAY_MS).toISOString();
      events.push(
        ...(await this.collect(owner, { status: 'completed', sort: 'due', dueAfter: since }, MAX_FEED_EVENTS - events.length)),
      );
    }
    const body = tasksToFeed(events, { name: found.feed.name });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
  }

  /** Dated tasks matching `filter`, soonest due first, page by page up to `max`. */
  private async collect(owner: Principal, filter: Record<string, string>, max: number): Promise<Task[]> {
    const found: Task[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.tasks.list(
        owner,
        TaskListQuery.parse({ ...filter, limit: Math.min(PAGE, max - found.length), ...(cursor ? { cursor } : {}) }),
      );
      found.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && found.length < max);
    return found;
  }
}
