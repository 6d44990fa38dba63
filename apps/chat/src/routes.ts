/**
 * `POST /api/chat` — the AI chat, streamed as server-sent events:
 *   event: conversation {id}     (first; pass it back as `conversationId` to continue)
 *   event: delta {text}          (model text as it arrives)
 *   event: tool_call {id, name, arguments}
 *   event: tool_result {id, name, ok, result | error}
 *   event: done {steps, conversationId}  |  event: error {code, message}
 * `GET /api/chat/conversations` and `GET /api/chat/conversations/:id` read the history;
 * `GET /api/chat/status` says whether a model is configured (clients show the assistant only then).
 * Errors before the stream starts are problem+json (503 CHAT_NOT_CONFIGURED without a model).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isDomainError, todayIn, type Clock } from '@todo/domain';
import { INSTRUCTIONS } from '@todo/mcp';
import type { Principal, Services } from '@todo/services';
import { runAgent, type AgentEvent } from './agent.js';
import { MemoryChatHistory, type ChatHistory } from './history.js';
import { ModelError, type ChatConfig, type ChatMessage } from './openai.js';
import { chatDoc, chatStatusDoc, conversationDoc, conversationsDoc } from './routes-doc.js';

export interface ChatRouteOptions {
  services: Services;
  clock: Clock;
  /** null/undefined, or without baseUrl/model: POST /api/chat answers 503 CHAT_NOT_CONFIGURED. */
  chatConfig?: Partial<ChatConfig> | null | undefined;
  /** The API's authentication (bearer or cookie); must throw DomainError UNAUTHENTICATED/… */
  principalOf: (request: FastifyRequest) => Principal | Promise<Principal>;
  history?: ChatHistory;
  maxSteps?: number;
}

const ChatRequest = z.strictObject({
  message: z.string().trim().min(1).max(8000),
  conversationId: z.uuid().optional(),
});

function problem(reply: FastifyReply, status: number, code: string, title: string, detail: string, errors: unknown[] = []) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://todo-app.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title,
      status,
      code,
      detail,
      errors,
    });
}

export function chatConfigFromEnv(env: NodeJS.ProcessEnv): Partial<ChatConfig> {
  return {
    ...(env['OPENAI_BASE_URL'] ? { baseUrl: env['OPENAI_BASE_URL'] } : {}),
    ...(env['OPENAI_API_KEY'] ? { apiKey: env['OPENAI_API_KEY'] } : {}),
    ...(env['CHAT_MODEL'] ? { model: env['CHAT_MODEL'] } : {}),
  };
}

export function registerChatRoutes(app: FastifyInstance, options: ChatRouteOptions): void {
  const history = options.history ?? new MemoryChatHistory(() => options.clock.now());
  const config = options.chatConfig;
  const configured = (c: typeof config): c is ChatConfig => Boolean(c?.baseUrl && c.model);

  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<Principal | null> => {
    try {
      return await options.principalOf(request);
    } catch (error) {
      if (isDomainError(error)) {
        await problem(reply, error.status, error.code, 'Not allowed', error.message);
        return null;
      }
      throw error;
    }
  };

  app.post('/api/chat', chatDoc(ChatRequest), async (request, reply) => {
    const principal = await authenticate(request, reply);
    if (!principal) return reply;
    if (!configured(config)) {
      return problem(
        reply,
        503,
        'CHAT_NOT_CONFIGURED',
        'AI chat is not configured',
        'set OPENAI_BASE_URL and CHAT_MODEL (and OPENAI_API_KEY if the endpoint needs one), e.g. an OpenAI, Ollama or vLLM endpoint',
      );
    }
    const parsed = ChatRequest.safeParse(request.body);
    if (!parsed.success) {
      return problem(
        reply,
        400,
        'VALIDATION_FAILED',
        'Invalid chat request',
        'send {"message": "...", "conversationId"?: uuid}',
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
      );
    }
    const { message } = parsed.data;
    const conversationId = parsed.data.conversationId ?? randomUUID();
    const past = await history.load(principal.userId, conversationId);
    // The server hands out conversation ids; one the caller has no history under is not theirs
    // (or is gone): refuse it before the model runs.
    if (parsed.data.conversationId && past.length === 0) {
      return problem(reply, 404, 'NOT_FOUND', 'No such conversation', 'start a new conversation without conversationId');
    }
    const user = await options.services.profile.get(principal);
    const now = options.clock.now();
    const system: ChatMessage = {
      role: 'system',
      content: `${INSTRUCTIONS} The user's time zone is ${user.timeZone}; today there is ${todayIn(user.timeZone, now.toISOString())}; now is ${now.toISOString()}. Answer briefly.`,
    };
    const userMessage: ChatMessage = { role: 'user', content: message };

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) => {
      if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const abort = new AbortController();
    raw.on('close', () => abort.abort());
    send('conversation', { id: conversationId });
    try {
      const run = await runAgent({
        config,
        ctx: {
          services: options.services,
          principal,
          clock: options.clock,
          traceparent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
        },
        messages: [system, ...past, userMessage],
        emit: (event: AgentEvent) => (event.type === 'text' ? send('delta', { text: event.delta }) : send(event.type, event)),
        maxSteps: options.maxSteps ?? 8,
        signal: abort.signal,
      });
      await history.append(principal.userId, conversationId, [userMessage, ...run.added]);
      send('done', { steps: run.steps, conversationId });
    } catch (error) {
      request.log.warn({ err: error }, 'chat failed');
      const body =
        error instanceof ModelError
          ? { code: 'MODEL_UNAVAILABLE', message: error.message }
          : { code: 'INTERNAL', message: 'the chat failed unexpectedly; try again' };
      send('error', body);
    } finally {
      raw.end();
    }
    return reply;
  });

  app.get('/api/chat/status', chatStatusDoc, async (request, reply) => {
    const principal = await authenticate(request, reply);
    if (!principal) return reply;
    return { available: configured(config) };
  });

  app.get('/api/chat/conversations', conversationsDoc, async (request, reply) => {
    const principal = await authenticate(request, reply);
    if (!principal) return reply;
    return { items: await history.list(principal.userId) };
  });

  app.get<{ Params: { id: string } }>('/api/chat/conversations/:id', conversationDoc, async (request, reply) => {
    const principal = await authenticate(request, reply);
    if (!principal) return reply;
    // Conversation ids are UUIDs the server handed out; anything else is refused before storage.
    const id = z.uuid().safeParse(request.params.id);
    if (!id.success) {
      return problem(reply, 400, 'VALIDATION_FAILED', 'Invalid conversation id', 'a conversation id is a UUID', [
        { field: 'id', message: 'must be a UUID' },
      ]);
    }
    const messages = await history.load(principal.userId, id.data);
    if (!messages.length)
      return problem(reply, 404, 'NOT_FOUND', 'No such conversation', 'you have no conversation with this id');
    return { id: request.params.id, messages };
  });
}
