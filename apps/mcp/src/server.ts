/**
 * `buildServer` — one MCP server for one principal (the user comes from the token only).
 * Tools are listed and called through the shared registry (`tools/`), so MCP and the chat
 * run the same code; prompts and resources use the SDK's McpServer helpers.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Clock } from '@todo/domain';
import type { Principal, Services } from '@todo/services';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { SHARED_SHAPES, runTool, type ToolContext, type ToolDef } from './tool.js';
import { TOOLS, toolByName } from './tools/index.js';

export const SERVER_NAME = 'todo-app';
export const SERVER_VERSION = '0.1.0';

export const INSTRUCTIONS = [
  'Task manager of the signed-in user (the user comes from the token; never ask for a user id).',
  'Refer to tasks by number ("#12") or id, never by guessing from a title; confirm before delete_task.',
  'Call get_user_context or get_overview before reasoning about "today"; use parse_due to turn words into a `due`, and preview_recurrence to check a repeat rule before saving it.',
  'Use reschedule_tasks to move dates (keeps time of day and recurrence).',
  'Batch tools (add_tasks, reschedule_tasks) report per-item failures: re-send only the failed items. Give creates an idempotencyKey.',
  'Reminders (set_reminder) are delivered at their time by email, not now.',
].join(' ');

export interface BuildServerDeps {
  services: Services;
  principal: Principal;
  clock: Clock;
  traceparent?: string | undefined;
}

const ANNOTATION_KEYS = new Set(['description', 'title', 'default', 'examples']);

/** Longer patterns are dropped from listings: the description says the format, the server checks it. */
const MAX_LISTED_PATTERN = 80;

/**
 * Makes a generated schema smaller and more portable. `type: ["string","null"]` →
 * `anyOf: [{type:"string",…}, {type:"null"}]`: the same contract,
 * but portable to clients that map schemas onto single-`type` dialects (Gemini, OpenAPI subset).
 */
export function portableSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portableSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'const' || key === 'enum' || key === 'default' ? value : portableSchema(value);
  }
  // Token diet: a `format` already says uuid/date/date-time (the server validates strictly with
  // zod), so zod's long regex `pattern` beside it is dropped, as are ±2^53 integer bounds.
  const pattern = out['pattern'];
  if (typeof out['format'] === 'string' || (typeof pattern === 'string' && pattern.length > MAX_LISTED_PATTERN)) {
    delete out['pattern'];
  }
  // `anyOf: [{anyOf: [A, B]}, null]` says the same as `anyOf: [A, B, null]`.
  if (Array.isArray(out['anyOf'])) {
    out['anyOf'] = out['anyOf'].flatMap((branch: Record<string, unknown>) =>
      Object.keys(branch).length === 1 && Array.isArray(branch['anyOf']) ? branch['anyOf'] : [branch],
    );
  }
  if (out['minimum'] === Number.MIN_SAFE_INTEGER) delete out['minimum'];
  if (out['maximum'] === Number.MAX_SAFE_INTEGER) delete out['maximum'];
  const type = out['type'];
  if (!Array.isArray(type) || type.length < 2) return out;
  const annotations: Record<string, unknown> = {};
  const constraints: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(out)) {
    if (key === 'type') continue;
    (ANNOTATION_KEYS.has(key) ? annotations : constraints)[key] = value;
  }
  return { ...annotations, anyOf: type.map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...constraints })) };
}

/**
 * A shape shared by several tools (a task; the fields of a new task) is spelled out in one
 * tool's listing and referred to in the others: repeated, it would be most of the tool list.
 */
function referToSharedShapes(toolName: string): NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] {
  return (ctx) => {
    const shared = SHARED_SHAPES.get(ctx.zodSchema as unknown as z.ZodType);
    if (!shared || shared.tool === toolName) return;
    const json = ctx.jsonSchema as Record<string, unknown>;
    // A shared string (a task or project reference) stays a string; its bounds are listed once.
    const type = json['type'] === 'string' ? 'string' : 'object';
    for (const key of Object.keys(json)) delete json[key];
    Object.assign(json, { type, description: shared.description });
  };
}

const schemaOf = (schema: z.ZodType, io: 'input' | 'output', toolName: string): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
    override: referToSharedShapes(toolName),
  }) as Record<string, unknown>;
  return portableSchema(rest) as Record<string, unknown>;
};

const OUTPUT_CHECKS = new Set(['additionalProperties', 'default', 'minLength', 'maxLength', 'minimum', 'maximum', 'pattern']);

/** Output-only: a `required` naming every property says nothing a model needs (outputs have no optional fields to tell apart). */
function stripOutputChecks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripOutputChecks);
  if (!node || typeof node !== 'object') return node;
  const { required, properties } = node as { required?: unknown; properties?: object };
  const allRequired = Array.isArray(required) && properties && required.length === Object.keys(properties).length;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !(key === 'required' && allRequired))
      .filter(([key, value]) => !OUTPUT_CHECKS.has(key) || (key === 'additionalProperties' && typeof value === 'object'))
      .map(([key, value]) => [key, key === 'enum' || key === 'const' ? value : stripOutputChecks(value)]),
  );
}

/** The MCP `Tool` entry of a definition (also used by tests and the token-footprint check). */
export function toolListing(tool: ToolDef): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: schemaOf(tool.input, 'input', tool.name) as Tool['inputSchema'],
    // Output schemas say what comes back, not what is checked on the way in.
    outputSchema: stripOutputChecks(schemaOf(tool.output, 'output', tool.name)) as Tool['outputSchema'],
    // `title` is given once, above: clients read it from there first.
    annotations: { ...tool.annotations },
  };
}

let cachedListing: Tool[] | null = null;
export const listTools = (): Tool[] => (cachedListing ??= TOOLS.map(toolListing));

export async function callTool(ctx: ToolContext, name: string, args: unknown): Promise<CallToolResult> {
  const tool = toolByName(name);
  if (!tool) {
    return {
      isError: true,
      content: [
        { type: 'text', text: JSON.stringify({ error: { code: 'NOT_FOUND', message: `no tool named ${name}`, issues: [] } }) },
      ],
    };
  }
  const outcome = await runTool(tool, ctx, args);
  if (!outcome.ok) {
    return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: outcome.error }) }] };
  }
  // structuredContent for clients that read it; the same JSON first in `content` for those that
  // drop it, then a one-line summary.
  return {
    structuredContent: outcome.value,
    content: [
      { type: 'text', text: JSON.stringify(outcome.value) },
      { type: 'text', text: outcome.text },
    ],
  };
}

export function buildServer(deps: BuildServerDeps): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: 'todo-app tasks', version: SERVER_VERSION },
    { capabilities: { tools: {}, prompts: {}, resources: {} }, instructions: INSTRUCTIONS },
  );
  const ctx: ToolContext = {
    services: deps.services,
    principal: deps.principal,
    clock: deps.clock,
    traceparent: deps.traceparent,
  };
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools() }));
  server.server.setRequestHandler(CallToolRequestSchema, (request) =>
    callTool(ctx, request.params.name, request.params.arguments ?? {}),
  );
  registerPrompts(server, ctx);
  registerResources(server, ctx);
  return server;
}
