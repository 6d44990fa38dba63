/** Read-only resources: the user's projects and tags, as JSON. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './tool.js';

export const PROJECTS_URI = 'todo://projects';
export const TAGS_URI = 'todo://tags';

export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'projects',
    PROJECTS_URI,
    {
      title: 'My projects',
      description: "The signed-in user's projects (id, name, colour, parent, role), Inbox first",
      mimeType: 'application/json',
    },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await ctx.services.projects.list(ctx.principal)) },
      ],
    }),
  );
  server.registerResource(
    'tags',
    TAGS_URI,
    { title: 'My tags', description: "The signed-in user's tags (id, name, colour)", mimeType: 'application/json' },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await ctx.services.tags.list(ctx.principal)) },
      ],
    }),
  );
}
