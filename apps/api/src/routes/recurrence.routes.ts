import { z } from 'zod';
import { LocalDate, LocalDateTime, TimeZoneName } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf } from '../auth.js';

const PreviewQuery = z.strictObject({
  rule: z.string().trim().min(1).max(300).describe('RRULE or English phrase'),
  start: z
    .union([LocalDate, LocalDateTime])
    .optional()
    .describe("Series anchor; default the rule's first date from today on, in the zone"),
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
    async (request) => services.recurrence.preview(principalOf(request), request.query),
  );
}
