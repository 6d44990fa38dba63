/** `todo share`, `todo members`, `todo assign`, `todo invitations`: sharing a project from the terminal. */
import type { Command } from 'commander';
import type { Invitation, Member, Project, Task } from '@todo/domain';
import { apiClient, projectIdOf } from './projects.js';

type Out = (line: string) => void;

export function registerSharingCommands(program: Command, out: Out): void {
  program
    .command('share')
    .description('Invite someone into a (top-level) project: todo share Home ann@example.com --role viewer')
    .argument('<project>', 'id or name')
    .argument('<email>', 'who to invite; they see it when they sign in or sign up with this address')
    .option('--role <role>', 'admin, editor or viewer', 'editor')
    .action(async (ref: string, email: string, opts: { role: string }, cmd: Command) => {
      const api = apiClient(cmd);
      const id = await projectIdOf(api, ref);
      const invitation = await api.request<Invitation>('POST', `/api/projects/${id}/invitations`, { email, role: opts.role });
      out(
        `invited ${invitation.email} to ${invitation.projectName} as ${invitation.role} (until ${invitation.expiresAt.slice(0, 10)})`,
      );
    });
  program
    .command('members')
    .description("A project's members and their roles")
    .argument('<project>', 'id or name')
    .action(async (ref: string, _opts, cmd: Command) => {
      const api = apiClient(cmd);
      const { items } = await api.request<{ items: Member[] }>('GET', `/api/projects/${await projectIdOf(api, ref)}/members`);
      for (const m of items) out(`${m.email}  ${m.role}${m.name ? `  ${m.name}` : ''}`);
    });
  program
    .command('assign')
    .description('Assign a task to a member of its project: todo assign 12 ann@example.com | me | none')
    .argument('<task>', 'number or id')
    .argument('<who>', "a member's email, me, or none")
    .action(async (ref: string, who: string, _opts, cmd: Command) => {
      const api = apiClient(cmd);
      const taskRef = encodeURIComponent(/^\d+$/.test(ref) ? `#${ref}` : ref);
      const task = await api.request<Task>('GET', `/api/tasks/${taskRef}`);
      let assigneeId: string | null = null;
      if (who === 'me') assigneeId = (await api.request<{ id: string }>('GET', '/api/me')).id;
      else if (who !== 'none') {
        const { items } = await api.request<{ items: Member[] }>('GET', `/api/projects/${task.projectId}/members`);
        const member = items.find((m) => m.email.toLowerCase() === who.toLowerCase());
        if (!member) throw new Error(`${who} is not a member of this task's project; todo members shows who is`);
        assigneeId = member.userId;
      }
      const updated = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { assigneeId });
      out(updated.assigneeId ? `assigned #${updated.number} to ${who}` : `#${updated.number} is assigned to nobody`);
    });
  program
    .command('invitations')
    .description('Invitations waiting for you; todo invitations accept <id> | decline <id>')
    .argument('[action]', 'accept or decline')
    .argument('[id]', 'the invitation')
    .action(async (action: string | undefined, id: string | undefined, _opts, cmd: Command) => {
      const api = apiClient(cmd);
      if (!action) {
        const { items } = await api.request<{ items: Invitation[] }>('GET', '/api/invitations');
        if (!items.length) out('no invitations');
        for (const i of items) out(`${i.id}  ${i.projectName}  as ${i.role}  from ${i.invitedBy}`);
        return;
      }
      if ((action !== 'accept' && action !== 'decline') || !id) throw new Error('usage: todo invitations [accept|decline <id>]');
      if (action === 'decline') {
        await api.request('POST', `/api/invitations/${id}/decline`);
        return out('declined');
      }
      const project = await api.request<Project>('POST', `/api/invitations/${id}/accept`);
      out(`joined ${project.name} as ${project.role}`);
    });
}
