import { z } from 'zod';
import {
  LocalDate,
  LocalDateTime,
  TimeZoneName,
  assertTimeZone,
  normalizeRecurrence,
  previewOccurrences,
  todayIn,
} from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const PreviewQuery = z.strictObject({
  rule: z.string().trim().min(1).max(300).describe('RRULE or English phrase'),
  start: z.union([LocalDate, LocalDateTime]).optional().describe('Series anchor; default today in the zone'),
  timeZone: TimeZoneName.optional().describe('Default: your zone'),
  count: z.coerce.number().int().min(1).max(100).default(5),
});
const Preview = z.object({ rule: z.string(), text: z.string(), timeZone: z.string(), occurrences: z.array(z.string()) });

export function registerRecurrenceRoutes(app: TypedApp, services: Services): void {
  app.get(
    '/api/recurrence/preview',
    {
      schema: {
        tags: ['recurrence'],
        summary: 'Normalise a rule and show its next occurrences',
        querystring: PreviewQuery,
        response: { 200: Preview },
      },
    },
    async (request) => {
      const q = request.query;
      const user = await services.profile.get(principalOf(request));
      const timeZone = q.timeZone ? assertTimeZone(q.timeZone, 'timeZone') : user.timeZone;
      const { rule, text } = normalizeRecurrence(q.rule, 'rule');
      const start = q.start ?? todayIn(timeZone, new Date().toISOString());
      return { rule, text, timeZone, occurrences: previewOccurrences({ rule, start, timeZone, count: q.count }) };
    },
  );
}
