/** Read-only resources: the user's categories and tags, as JSON. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './tool.js';

export const CATEGORIES_URI = 'todo://categories';
export const TAGS_URI = 'todo://tags';

export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource(
    'categories',
    CATEGORIES_URI,
    { title: 'My categories', description: "The signed-in user's categories (id, name, colour)", mimeType: 'application/json' },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await ctx.services.categories.list(ctx.principal)) },
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
