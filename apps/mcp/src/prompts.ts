/** Prompts `plan-my-day` and `weekly-review`: they embed the user's current data. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TaskListQuery, type Task } from '@todo/domain';
import { runTool, type ToolContext } from './tool.js';
import { toolByName } from './tools/index.js';
import { describeTask } from './tools/common.js';

async function overviewText(ctx: ToolContext, days: number): Promise<string> {
  const result = await runTool(toolByName('get_overview')!, ctx, { days });
  return result.ok ? result.text : `(overview unavailable: ${result.error.message})`;
}

export function registerPrompts(server: McpServer, ctx: ToolContext): void {
  server.registerPrompt(
    'plan-my-day',
    {
      title: 'Plan my day',
      description: "A plan for today from the user's overdue, due-today and upcoming tasks",
      argsSchema: { focus: z.string().max(200).optional().describe('What to prioritise today, e.g. "deep work"') },
    },
    async ({ focus }) => ({
      description: 'Plan for today',
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: [
              'Help me plan my day. Here are my tasks:',
              await overviewText(ctx, 3),
              focus ? `My focus today: ${focus}.` : '',
              'Propose an ordered plan for today (at most 6 tasks, overdue and urgent first), say which tasks to reschedule and to when,',
              'and ask before changing anything; then use reschedule_tasks, complete_task or set_reminder as I confirm.',
            ]
              .filter(Boolean)
              .join('\n'),
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    'weekly-review',
    {
      title: 'Weekly review',
      description: 'Review the last 7 days (done, still open, overdue) and plan the next 7',
    },
    async () => {
      const since = ctx.clock.now().getTime() - 7 * 24 * 3600 * 1000;
      const done = await ctx.services.tasks.list(
        ctx.principal,
        TaskListQuery.parse({ status: 'completed', sort: '-updated', limit: 100 }),
      );
      const recent = done.items.filter((t: Task) => t.completedAt && new Date(t.completedAt).getTime() >= since);
      const { timeZone } = await ctx.services.profile.get(ctx.principal);
      return {
        description: 'Weekly review',
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text: [
                "Let's do my weekly review.",
                `Completed in the last 7 days (${recent.length}):`,
                ...recent.map((t) => describeTask(t, timeZone)),
                await overviewText(ctx, 7),
                'Summarise what I finished, point out overdue or stale tasks (suggest: reschedule, split or delete),',
                'and propose the 3 most important tasks for next week. Ask before changing anything.',
              ].join('\n'),
            },
          },
        ],
      };
    },
  );
}
