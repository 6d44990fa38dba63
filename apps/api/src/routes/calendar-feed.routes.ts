/**
 * Calendar feeds: managed under /api with a credential; the feed itself at /feeds/<secret>.ics
 * without one (the secret is the credential), for calendar apps that subscribe to a URL.
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { CalendarFeed, CalendarFeedCreate } from '@todo/domain';
import { clientKey, type Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });
// Any text: a secret that is no feed's answers 404, whatever its shape.
const FeedParams = z.strictObject({ token: z.string().min(1).max(200) });
const FeedQuery = z.strictObject({
  completed: z.enum(['true', 'false']).default('false').describe(`Also completed tasks due in the last year`),
});

/** Whether the client's copy (If-None-Match) is the current one; weak and strong tags compare alike. */
function isCurrent(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

export function registerCalendarFeedRoutes(app: TypedApp, services: Services): void {
  app.get(
    '/api/calendar-feeds',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Your calendar feeds (their URLs are shown only when made)',
        response: { 200: z.object({ items: z.array(CalendarFeed) }) },
      },
    },
    async (request) => ({ items: await services.calendarFeeds.list(principalOf(request)) }),
  );
  app.post(
    '/api/calendar-feeds',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Make a secret iCalendar URL of your tasks with a due date (shown only in this reply)',
        description:
          'Calendar apps subscribe to the URL and show each open task with a due date as an event (all-day for a date). Anyone with the URL can read those tasks until the feed is deleted. A token that expires cannot make one.',
        body: CalendarFeedCreate,
        response: { 201: z.object({ feed: CalendarFeed, url: z.string().describe('The feed’s URL: keep it secret') }) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.calendarFeeds.create(principalOf(request), request.body)),
  );
  app.delete(
    '/api/calendar-feeds/:id',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Delete a calendar feed: its URL answers 404 at once',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await services.calendarFeeds.revoke(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}

/** The feed itself: no session, rate limited per client address like the other routes open to anyone. */
export function registerFeedRoute(app: TypedApp, services: Services, opts: { rateLimit: number }): void {
  app.get(
    '/feeds/:token.ics',
    {
      config: {
        rateLimit: {
          max: opts.rateLimit,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => clientKey(request.ip),
        },
      },
      schema: {
        tags: ['calendar'],
        summary: 'A calendar feed (iCalendar), as calendar apps fetch it',
        description: 'The URL’s secret is the credential. Answers 304 to a matching If-None-Match.',
        security: [],
        params: FeedParams,
        querystring: FeedQuery,
        // Its 200 (text/calendar) and 304 are documented in openapi.ts.
      },
    },
    async (request, reply) => {
      const { body, etag } = await services.calendarFeeds.render(request.params.token, {
        completed: request.query.completed === 'true',
      });
      // Private: the URL is a secret, and shared caches must not keep what it shows.
      reply.header('etag', etag).header('cache-control', 'private, no-cache').header('referrer-policy', 'no-referrer');
      if (isCurrent(request, etag)) return reply.status(304).send();
      return reply.type('text/calendar; charset=utf-8').send(body);
    },
  );
}
