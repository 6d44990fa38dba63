/** `todo export [file]` and `todo import <file>` (docs/import-export.md), over the API. */
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import type { Command } from 'commander';
import { apiClient } from './projects.js';

type Out = (line: string) => void;

interface Report {
  format: string;
  dryRun: boolean;
  projects: number;
  tasks: number;
  tags: number;
  duplicates: number;
  unmappedCount: number;
  unmapped: { where: string; reason: string }[];
}

const TYPES: Record<string, string> = {
  '.zip': 'application/zip',
  '.csv': 'text/csv',
  '.ics': 'text/calendar',
  '.json': 'application/json',
};

export function registerInteropCommands(program: Command, out: Out): void {
  program
    .command('export')
    .description('Save your whole account as one zip: todo-app.json and one .ics per project')
    .argument('[file]', 'where to save it; default todo-app-export-<date>.zip')
    .action(async (file: string | undefined, _opts, cmd: Command) => {
      const target = file ?? `todo-app-export-${new Date().toISOString().slice(0, 10)}.zip`;
      const response = await apiClient(cmd).stream('GET', '/api/export');
      await pipeline(Readable.fromWeb(response.body as WebStream<Uint8Array>), createWriteStream(target));
      out(`exported to ${target} (${(await stat(target)).size} bytes)`);
    });
  program
    .command('import')
    .description('Import a todo-app export, a Todoist CSV (or backup zip), or an iCalendar file; again creates nothing new')
    .argument('<file>', 'the file')
    .option('--dry-run', 'only show what would be created and what cannot be mapped')
    .option('--format <format>', 'todo-app | todoist | ical (default: told from the content)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { dryRun?: boolean; format?: string; json?: boolean }, cmd: Command) => {
      const bytes = await readFile(file);
      const query = new URLSearchParams({ dryRun: String(Boolean(opts.dryRun)), name: basename(file) });
      if (opts.format) query.set('format', opts.format);
      const response = await apiClient(cmd).stream('POST', `/api/imports?${query}`, {
        headers: {
          'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          accept: 'application/x-ndjson',
        },
        body: bytes,
      });
      const report = await readLines(response, (done, total) => {
        if (!opts.json) process.stderr.write(`\rimporting: ${done}/${total} tasks`);
      });
      if (opts.json) return out(JSON.stringify(report, null, 2));
      process.stderr.write('\n');
      printReport(report, out);
    });
}

/** The streamed answer: progress lines, then the report (or the problem that stopped it). */
async function readLines(response: Response, onProgress: (done: number, total: number) => void): Promise<Report> {
  let buffered = '';
  let report: Report | null = null;
  const decoder = new TextDecoder();
  for await (const chunk of Readable.fromWeb(response.body as WebStream<Uint8Array>)) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, end)) as {
        progress?: { done: number; total: number };
        report?: Report;
        error?: { detail: string; errors?: { field: string; message: string }[] };
      };
      buffered = buffered.slice(end + 1);
      if (line.progress) onProgress(line.progress.done, line.progress.total);
      if (line.report) report = line.report;
      if (line.error) throw new Error(line.error.errors?.map((e) => e.message).join('\n') || line.error.detail);
    }
  }
  if (!report) throw new Error('the server ended the import without a report');
  return report;
}

function printReport(r: Report, out: Out): void {
  const verb = r.dryRun ? 'would create' : 'created';
  out(`${r.format}: ${verb} ${r.tasks} tasks, ${r.projects} projects, ${r.tags} tags; ${r.duplicates} already imported`);
  if (r.unmappedCount) out(`not mapped (${r.unmappedCount}):`);
  for (const u of r.unmapped.slice(0, 50)) out(`  ${u.where}: ${u.reason}`);
  if (r.unmappedCount > 50) out(`  … and ${r.unmappedCount - 50} more (--json lists up to 1,000)`);
}
