/**
 * The agent loop: ask the model, stream its text, run the tool calls it makes (in parallel,
 * through the same `runTool` as MCP: scope check, validation, output schema), feed the results
 * back, and repeat until it answers without tools or `maxSteps` is reached.
 */
import { TOOLS, runTool, toolListing, type ToolContext, type ToolDef } from '@todo/mcp';
import { streamCompletion, type ChatConfig, type ChatMessage, type FunctionTool } from './openai.js';

export type AgentEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | {
      type: 'tool_result';
      id: string;
      name: string;
      ok: boolean;
      result?: unknown;
      error?: { code: string; message: string; issues: { field: string; message: string }[] };
    };

/** The tools as OpenAI function definitions (no user id anywhere: it comes from the principal). */
export function functionTools(tools: readonly ToolDef[] = TOOLS): FunctionTool[] {
  return tools.map((tool) => {
    const listing = toolListing(tool);
    return {
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: listing.inputSchema as Record<string, unknown> },
    };
  });
}

export interface AgentRun {
  /** Messages to persist: the assistant and tool messages this run added. */
  added: ChatMessage[];
  steps: number;
}

export async function runAgent(options: {
  config: ChatConfig;
  ctx: ToolContext;
  /** System prompt + history + the new user message. */
  messages: ChatMessage[];
  emit: (event: AgentEvent) => void;
  maxSteps?: number;
  signal?: AbortSignal;
  tools?: readonly ToolDef[];
}): Promise<AgentRun> {
  const tools = options.tools ?? TOOLS;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const definitions = functionTools(tools);
  const transcript = [...options.messages];
  const added: ChatMessage[] = [];
  const push = (message: ChatMessage) => {
    transcript.push(message);
    added.push(message);
  };
  const maxSteps = options.maxSteps ?? 8;
  for (let step = 1; step <= maxSteps; step++) {
    const completion = await streamCompletion(
      options.config,
      { messages: transcript, tools: definitions },
      (delta) => options.emit({ type: 'text', delta }),
      options.signal,
    );
    if (!completion.toolCalls.length) {
      push({ role: 'assistant', content: completion.content });
      return { added, steps: step };
    }
    push({ role: 'assistant', content: completion.content || null, tool_calls: completion.toolCalls });
    const results = await Promise.all(
      completion.toolCalls.map(async (call) => {
        let args: unknown;
        try {
          args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
        } catch {
          args = undefined;
        }
        options.emit({ type: 'tool_call', id: call.id, name: call.function.name, arguments: args ?? call.function.arguments });
        const tool = byName.get(call.function.name);
        const outcome =
          args === undefined
            ? {
                ok: false as const,
                error: { code: 'VALIDATION_FAILED', message: 'the arguments are not valid JSON', issues: [] },
              }
            : !tool
              ? { ok: false as const, error: { code: 'NOT_FOUND', message: `no tool named ${call.function.name}`, issues: [] } }
              : await runTool(tool, options.ctx, args);
        if (outcome.ok) {
          options.emit({ type: 'tool_result', id: call.id, name: call.function.name, ok: true, result: outcome.value });
        } else {
          options.emit({ type: 'tool_result', id: call.id, name: call.function.name, ok: false, error: outcome.error });
        }
        return {
          role: 'tool' as const,
          tool_call_id: call.id,
          content: JSON.stringify(outcome.ok ? outcome.value : { error: outcome.error }),
        };
      }),
    );
    for (const message of results) push(message);
  }
  const note = `(stopped after ${maxSteps} steps; ask me to continue)`;
  options.emit({ type: 'text', delta: note });
  push({ role: 'assistant', content: note });
  return { added, steps: maxSteps };
}
