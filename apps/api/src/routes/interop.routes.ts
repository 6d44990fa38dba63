/**
 * Export and import (docs/import-export.md): the whole account as one zip, and a file from
 * todo-app, Todoist or a calendar app in — as a preview (`dryRun=true`) or for real. The file
 * is the request body as it is (zip, CSV, iCalendar or JSON), not a form.
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertSafeText } from '@todo/domain';
import { IMPORT_FORMATS, type ImportReport, type Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf, traceparentOf } from '../auth.js';
import { toProblem } from '../problem.js';

/** The largest file an import takes; a larger one is answered 413 before it is read. */
export const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
/** Media types taken as the file's bytes. */
const FILE_TYPES = ['application/zip', 'application/octet-stream', 'text/csv', 'text/calendar', 'text/plain'];

const ImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').describe('true: only say what would be created and what cannot be mapped'),
  format: z.enum(IMPORT_FORMATS).optional().describe('The file’s format; default: told from its content'),
  name: z.string().trim().min(1).max(200).optional().describe('The file’s name: names the project of a single CSV or .ics file'),
});

const Unmapped = z.object({ where: z.string(), reason: z.string() });
export const ImportReportSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  dryRun: z.boolean(),
  projects: z.int().describe('Projects created (to be created, in a dry run)'),
  tasks: z.int().describe('Tasks created (to be created, in a dry run)'),
  tags: z.int().describe('Tags created (to be created, in a dry run)'),
  duplicates: z.int().describe('Items imported before: not created again'),
  unmappedCount: z.int(),
  unmapped: z.array(Unmapped).describe('What could not be mapped, and why (the first 1,000)'),
});

const bytesOf = (body: unknown): Uint8Array =>
  Buffer.isBuffer(body) ? body : body === undefined || body === null ? new Uint8Array() : Buffer.from(JSON.stringify(body));

export function registerInteropRoutes(app: TypedApp, services: Services): void {
  app.get(
    '/api/export',
    {
      schema: {
        tags: ['import-export'],
        summary: 'Your whole account as one zip: todo-app.json and one .ics per project',
        description: 'The archive `POST /api/imports` reads back (docs/import-export.md). Streamed as it is made.',
      },
    },
    async (request, reply) => {
      const stream = await services.exports.archive(principalOf(request));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="todo-app-export-${day}.zip"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  // Its own scope: the file's media types are taken as bytes here only.
  void app.register(async (scope: TypedApp) => {
    scope.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/imports',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        // The file's text is checked as it is read (what a task cannot hold is reported per item),
        // not walked byte by byte as a body; the query string is checked as everywhere.
        config: { ownTextCheck: true },
        preValidation: async (request) => assertSafeText({ ...(request.query as object) }),
        schema: {
          tags: ['import-export'],
          summary: 'Import a file: todo-app export, Todoist CSV (or backup zip), or iCalendar VTODOs',
          description:
            'Send the file as the body (application/zip, text/csv, text/calendar, application/json or application/octet-stream). Importing the same file again creates nothing new. With `Accept: application/x-ndjson` the answer streams `{"progress":{"done","total"}}` lines, then `{"report":…}`.',
          querystring: ImportQuery,
          response: { 200: ImportReportSchema },
        },
      },
      async (request, reply) => {
        const ctx = { principal: principalOf(request), traceparent: traceparentOf(request) };
        const file = { bytes: bytesOf(request.body), name: request.query.name, format: request.query.format };
        const dryRun = request.query.dryRun === 'true';
        if (!String(request.headers.accept ?? '').includes('application/x-ndjson')) {
          return services.imports.run(ctx, file, { dryRun });
        }
        return streamProgress(request, reply, (onProgress) => services.imports.run(ctx, file, { dryRun, onProgress }));
      },
    );
  });
}

/** The import with its progress as lines of JSON; a failure midway is the last line, as problem+json. */
async function streamProgress(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (onProgress: (done: number, total: number) => void) => Promise<ImportReport>,
): Promise<FastifyReply> {
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const line = (value: unknown) => reply.raw.write(`${JSON.stringify(value)}\n`);
  try {
    line({ report: await run((done, total) => line({ progress: { done, total } })) });
  } catch (error) {
    line({ error: toProblem(error, request) });
  }
  reply.raw.end();
  return reply;
}
