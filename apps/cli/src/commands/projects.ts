/** `todo project ls | add | rm`, and a project named by id or name for `add --project` and `ls --project`. */
import type { Command } from 'commander';
import type { Project } from '@todo/domain';
import { ApiClient, resolveCredentials } from '../client.js';

type Out = (line: string) => void;

export function apiClient(cmd: Command): ApiClient {
  const opts = cmd.optsWithGlobals<{ server?: string; token?: string }>();
  const creds = resolveCredentials(process.env, opts);
  return new ApiClient(creds.server!, creds.token);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A project's id from its id or its (case-insensitive) name among the caller's projects. */
export async function projectIdOf(api: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  const { items } = await api.request<{ items: Project[] }>('GET', '/api/projects');
  const hit = items.find((p) => p.name.toLowerCase() === ref.trim().toLowerCase());
  if (!hit) throw new Error(`you have no project "${ref}"; todo project ls shows the ones you have`);
  return hit.id;
}

export function registerProjectCommands(program: Command, out: Out): void {
  const project = program.command('project').description('Projects: the groups your tasks are in');
  project
    .command('ls')
    .description('List your projects, with your role in each')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const { items } = await apiClient(cmd).request<{ items: Project[] }>('GET', '/api/projects');
      if (opts.json) return out(JSON.stringify(items, null, 2));
      const byId = new Map(items.map((p) => [p.id, p]));
      const depth = (p: Project): number => (p.parentId && byId.has(p.parentId) ? 1 + depth(byId.get(p.parentId)!) : 0);
      for (const p of items) {
        const flags = [p.role, p.archivedAt ? 'archived' : '', p.favorite ? '★' : ''].filter(Boolean).join(', ');
        out(`${'  '.repeat(depth(p))}${p.name}  (${flags})  ${p.id}`);
      }
    });
  project
    .command('add')
    .description('Create a project: todo project add "Garden" --parent Home')
    .argument('<name...>', 'its name')
    .option('--parent <project>', 'nest it under this project (id or name)')
    .option('--color <hex>', 'like #3b82f6')
    .action(async (nameWords: string[], opts, cmd: Command) => {
      const api = apiClient(cmd);
      const parentId = opts.parent ? await projectIdOf(api, opts.parent) : null;
      const created = await api.request<Project>('POST', '/api/projects', {
        name: nameWords.join(' '),
        parentId,
        ...(opts.color ? { color: opts.color } : {}),
      });
      out(`added project ${created.name}  ${created.id}`);
    });
  project
    .command('rm')
    .description('Delete a project, its sub-projects and ALL their tasks')
    .argument('<project>', 'id or name')
    .action(async (ref: string, _opts, cmd: Command) => {
      const api = apiClient(cmd);
      const id = await projectIdOf(api, ref);
      await api.request('DELETE', `/api/projects/${id}`);
      out(`deleted project ${ref}`);
    });
}
