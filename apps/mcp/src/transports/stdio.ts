/**
 * `todo mcp --stdio`: a local stdio MCP server that forwards every request to a running
 * todo-app over Streamable HTTP with the SDK client, authenticated by `TODO_TOKEN`.
 *
 * Why a proxy rather than in-process services on the local data dir: the stdio process then
 * needs no database, migrations, outbox relay or notifier of its own (a second process on the
 * same embedded data dir would race the running server for it), and the scopes, rate limits
 * and events stay exactly those of the server. Start the server (`todo start`) first.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Readable, Writable } from 'node:stream';
import { SERVER_NAME, SERVER_VERSION } from '../server.js';

export interface StdioProxyOptions {
  /** The server's MCP endpoint, e.g. http://localhost:8080/mcp. */
  url: string;
  /** An API token (`todo token create`), sent as Bearer. */
  token: string;
  stdin?: Readable;
  stdout?: Writable;
}

export async function runStdioProxy(options: StdioProxyOptions): Promise<{ close(): Promise<void> }> {
  const client = new Client({ name: `${SERVER_NAME}-stdio-proxy`, version: SERVER_VERSION });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(options.url), {
      requestInit: { headers: { authorization: `Bearer ${options.token}` } },
    }),
  );
  const server = new Server(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { tools: {}, prompts: {}, resources: {} },
      ...(client.getInstructions() ? { instructions: client.getInstructions()! } : {}),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => client.listTools(request.params));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    try {
      return await client.callTool(request.params);
    } catch (error) {
      return { isError: true, content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }] };
    }
  });
  server.setRequestHandler(ListPromptsRequestSchema, (request) => client.listPrompts(request.params));
  server.setRequestHandler(GetPromptRequestSchema, (request) => client.getPrompt(request.params));
  server.setRequestHandler(ListResourcesRequestSchema, (request) => client.listResources(request.params));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (request) => client.listResourceTemplates(request.params));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => client.readResource(request.params));
  await server.connect(new StdioServerTransport(options.stdin, options.stdout));
  return {
    close: async () => {
      await server.close();
      await client.close();
    },
  };
}
