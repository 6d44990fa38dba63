/** `todo comment <task> "text"`, `todo comments <task>`, `todo activity <task|project>`. */
import type { Command } from 'commander';
import type { ActivityEntry, Comment, CommentWritten } from '@todo/domain';
import { apiClient, projectIdOf } from './projects.js';

type Out = (line: string) => void;

const taskPath = (ref: string) => encodeURIComponent(ref.replace(/^#/, ''));
const TASK_NUMBER = /^#?\d{1,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerCommentCommands(program: Command, out: Out): void {
  program
    .command('comment')
    .description('Comment on a task: todo comment 12 "Bought it, @sam"')
    .argument('<task>', 'task number or id')
    .argument('<text...>', 'the comment (Markdown; @name mentions a project member)')
    .action(async (ref: string, words: string[], _opts, cmd: Command) => {
      const written = await apiClient(cmd).request<CommentWritten>('POST', `/api/tasks/${taskPath(ref)}/comments`, {
        body: words.join(' '),
      });
      out(`commented  ${written.id}`);
      if (written.unresolvedMentions.length)
        out(`not members of the project, left as text: ${written.unresolvedMentions.join(', ')}`);
    });
  program
    .command('comments')
    .description("A task's comments, oldest first")
    .argument('<task>', 'task number or id')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      const api = apiClient(cmd);
      const items: Comment[] = [];
      for (let cursor: string | null = null; ;) {
        const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
        const page: { items: Comment[]; nextCursor: string | null } = await api.request(
          'GET',
          `/api/tasks/${taskPath(ref)}/comments${query}`,
        );
        items.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      if (opts.json) return out(JSON.stringify(items, null, 2));
      for (const c of items) {
        out(`${c.createdAt}  ${c.authorId}`);
        for (const line of c.body.split('\n')) out(`  ${line}`);
      }
    });
  program
    .command('activity')
    .description('Who did what, newest first, on a task (number or id) or a project (id or name)')
    .argument('<target>', 'task number or id, or project id or name')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      const api = apiClient(cmd);
      const path = TASK_NUMBER.test(ref.trim())
        ? `/api/tasks/${taskPath(ref.trim())}/activity`
        : UUID.test(ref.trim()) && (await isTask(api, ref.trim()))
          ? `/api/tasks/${ref.trim()}/activity`
          : `/api/projects/${await projectIdOf(api, ref)}/activity`;
      const page = await api.request<{ items: ActivityEntry[] }>('GET', path);
      if (opts.json) return out(JSON.stringify(page.items, null, 2));
      for (const e of page.items) out(`${e.at}  ${e.actorId ?? '-'}  ${e.summary}`);
    });
}

async function isTask(api: ReturnType<typeof apiClient>, id: string): Promise<boolean> {
  try {
    await api.request('GET', `/api/tasks/${id}`);
    return true;
  } catch {
    return false;
  }
}
