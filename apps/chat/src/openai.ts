/**
 * A minimal streaming client for OpenAI-compatible `POST {baseUrl}/chat/completions`
 * (OpenAI, Ollama, vLLM, LiteLLM…): text deltas are passed on as they arrive; tool calls are
 * assembled from their fragments (several per turn = parallel tool calls).
 */
export interface ChatConfig {
  /** e.g. https://api.openai.com/v1 or http://localhost:11434/v1 */
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  /** Per model request, default 60 s. */
  timeoutMs?: number;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface FunctionTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface Completion {
  content: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
}

export class ModelError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

interface StreamChunk {
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason?: string | null;
  }[];
  error?: { message?: string };
}

/** Yields the `data:` payloads of a server-sent-events body. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let index: number;
    while ((index = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, index);
      buffer = buffer.slice(index).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) yield data;
    }
  }
}

export async function streamCompletion(
  config: ChatConfig,
  request: { messages: ChatMessage[]; tools: FunctionTool[] },
  onText: (delta: string) => void,
  signal?: AbortSignal,
): Promise<Completion> {
  const timeout = AbortSignal.timeout(config.timeoutMs ?? 60_000);
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: config.model,
        messages: request.messages,
        tools: request.tools,
        tool_choice: 'auto',
        parallel_tool_calls: true,
        stream: true,
      }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new ModelError(`the model endpoint is unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new ModelError(`the model endpoint answered ${response.status}: ${text.slice(0, 300)}`, response.status);
  }
  let content = '';
  let finishReason: string | null = null;
  const calls = new Map<number, ToolCall>();
  for await (const data of sseData(response.body)) {
    if (data === '[DONE]') break;
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      throw new ModelError('the model endpoint sent a malformed stream chunk');
    }
    if (chunk.error) throw new ModelError(`the model failed: ${chunk.error.message ?? 'unknown error'}`);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    if (choice.delta?.content) {
      content += choice.delta.content;
      onText(choice.delta.content);
    }
    for (const part of choice.delta?.tool_calls ?? []) {
      const index = part.index ?? 0;
      const call = calls.get(index) ?? { id: '', type: 'function' as const, function: { name: '', arguments: '' } };
      if (part.id) call.id = part.id;
      if (part.function?.name) call.function.name += part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
      calls.set(index, call);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  return { content, toolCalls, finishReason };
}
