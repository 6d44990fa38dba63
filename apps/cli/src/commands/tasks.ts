/** Task commands that talk to a running server: add, ls, show, done, reopen, rm, undelete. */
import type { Command } from 'commander';
import { parseDuePhrase, type Due, type ReopenedTask, type Task } from '@todo/domain';
import { ApiClient, resolveCredentials } from '../client.js';
import { formatTask, formatTaskLine } from '../format.js';
import { projectIdOf } from './projects.js';

type Out = (line: string) => void;

function client(cmd: Command): ApiClient {
  const opts = cmd.optsWithGlobals<{ server?: string; token?: string }>();
  const creds = resolveCredentials(process.env, opts);
  return new ApiClient(creds.server!, creds.token);
}

/**
 * `--due`: "2026-12-01", "2026-12-01 18:00" or words ("tomorrow 9am", "next friday", "in 3
 * days"), read by the same phrase parser as the web's quick add and the MCP tools, on the
 * calendar of `timeZone` at `now`. A timed due is put in that zone.
 */
export function parseDueFlag(value: string, now: Date, timeZone: string): Due {
  return parseDuePhrase(value, { now, timeZone }, '--due').due;
}

export function registerTaskCommands(program: Command, out: Out): void {
  program
    .command('add')
    .description('Add a task: todo add "Pay rent" --due 2026-12-01 --every monthly')
    .argument('<title...>', 'task title')
    .option('-d, --due <when>', 'due: YYYY-MM-DD, "YYYY-MM-DD HH:mm" or words ("tomorrow 9am", "next friday")')
    .option('-z, --zone <iana>', "time zone the due is read in (default: your profile's zone)")
    .option('-e, --every <rule>', 'recurrence: an English phrase ("every weekday") or an RRULE')
    .option('--from-completion', 'repeat from the completion date instead of the due date')
    .option('-p, --priority <p>', 'none | low | medium | high | urgent')
    .option('-t, --tag <name...>', 'tags (repeatable)')
    .option('-P, --project <project>', 'the project (id or name; default: your Inbox)')
    .option('-r, --remind <minutes>', 'remind this many minutes before due', (v) => Number(v))
    .option('--description <text>', 'Markdown description')
    .action(async (titleWords: string[], opts, cmd: Command) => {
      const api = client(cmd);
      const zone = opts.due ? (opts.zone ?? (await api.request<{ timeZone: string }>('GET', '/api/me')).timeZone) : undefined;
      const body = {
        title: titleWords.join(' '),
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.due ? { due: parseDueFlag(opts.due, new Date(), zone!) } : {}),
        ...(opts.every ? { recurrence: { rule: opts.every, repeatFrom: opts.fromCompletion ? 'completion' : 'due' } } : {}),
        ...(opts.priority ? { priority: opts.priority } : {}),
        ...(opts.tag ? { tags: opts.tag } : {}),
        ...(opts.project ? { projectId: await projectIdOf(api, opts.project) } : {}),
        ...(opts.remind !== undefined ? { reminders: [{ type: 'relative', minutesBefore: opts.remind }] } : {}),
      };
      const task = await api.request<Task>('POST', '/api/tasks', body);
      out(`added ${formatTaskLine(task)}`);
    });

  program
    .command('ls')
    .description('List tasks')
    .option('-a, --all', 'include completed tasks')
    .option('--done', 'only completed tasks')
    .option('-q, --search <text>', 'full-text search')
    .option('-t, --tag <name...>', 'only tasks with these tags')
    .option('-P, --project <project>', 'only tasks of this project (id or name)')
    .option('--overdue', 'only overdue tasks')
    .option('-s, --sort <key>', 'due | priority | created | updated | title (prefix - to reverse)')
    .option('-n, --limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const params = new URLSearchParams({ status: opts.done ? 'completed' : opts.all ? 'all' : 'open', limit: opts.limit });
      if (opts.search) params.set('q', opts.search);
      if (opts.tag) params.set('tags', opts.tag.join(','));
      if (opts.project) params.set('projectId', await projectIdOf(client(cmd), opts.project));
      if (opts.overdue) params.set('overdue', 'true');
      if (opts.sort) params.set('sort', opts.sort);
      const page = await client(cmd).request<{ items: Task[]; nextCursor: string | null }>('GET', `/api/tasks?${params}`);
      if (opts.json) return out(JSON.stringify(page, null, 2));
      if (!page.items.length) return out('no tasks');
      for (const task of page.items) out(formatTaskLine(task));
      if (page.nextCursor) out(`… more (use --limit)`);
    });

  program
    .command('show')
    .description('Show one task')
    .argument('<task>', 'number (12 or #12) or id')
    .action(async (ref: string, _opts, cmd: Command) => {
      out(formatTask(await client(cmd).request<Task>('GET', `/api/tasks/${encodeURIComponent(ref.replace(/^#/, ''))}`)));
    });

  for (const [name, verb, description] of [
    ['done', 'complete', 'Complete a task'],
    ['reopen', 'reopen', 'Reopen a completed task'],
    ['undelete', 'restore', 'Bring back a task deleted within the last hour, with its subtasks'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<task...>', 'numbers (12 or #12) or ids')
      .action(async (refs: string[], _opts, cmd: Command) => {
        for (const ref of refs) {
          const task = await client(cmd).request<ReopenedTask>(
            'POST',
            `/api/tasks/${encodeURIComponent(ref.replace(/^#/, ''))}/${verb}`,
          );
          const next = task.nextOccurrence;
          const after = !next
            ? ''
            : next.removed
              ? `; next occurrence #${next.number} removed`
              : `; next occurrence #${next.number} kept: it was changed`;
          out(`${{ done: 'completed', reopen: 'reopened', undelete: 'restored' }[name]} ${formatTaskLine(task)}${after}`);
        }
      });
  }

  program
    .command('rm')
    .description('Delete a task and its subtasks')
    .argument('<task>', 'number or id')
    .action(async (ref: string, _opts, cmd: Command) => {
      await client(cmd).request('DELETE', `/api/tasks/${encodeURIComponent(ref.replace(/^#/, ''))}`);
      const number = ref.replace(/^#/, '');
      out(`deleted #${number} (undo within the hour: todo undelete ${number})`);
    });
}
