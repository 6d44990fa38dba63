/**
 * How the chat routes appear in the API's OpenAPI document. The routes check their input
 * themselves (a bad body is a problem+json 400 naming the field), so these are plain JSON
 * Schema for the document only, with pass-through compilers whatever compilers the app has.
 * Errors common to every route (401, 403, 503 …) are added by the API's document builder.
 */
import { z } from 'zod';
import { PASS_THROUGH } from '@todo/mcp';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const json = (schema: Record<string, unknown>, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const tags = ['chat'];

/** One server-sent event, as clients parse it; `data` is JSON. */
const SSE_EVENT = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { enum: ['conversation', 'delta', 'tool_call', 'tool_result', 'done', 'error'] },
    data: { type: 'string' },
  },
};

const ChatMessage = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'user', 'assistant', 'tool'] },
    content: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    tool_calls: { type: 'array', items: { type: 'object' } },
    tool_call_id: { type: 'string' },
  },
};

export const chatDoc = (body: z.ZodType) => ({
  schema: {
    tags,
    summary: 'Ask the assistant; the answer streams as server-sent events',
    description:
      'Events: `conversation` {id} first, then `delta` {text}, `tool_call`, `tool_result`, and `done` or `error` {code, message}.',
    body: z.toJSONSchema(body, { io: 'input' }),
    response: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: SSE_EVENT } } },
      404: problem('No such conversation (start one without conversationId)'),
      503: problem('The chat has no model configured (CHAT_NOT_CONFIGURED), or the server is overloaded'),
    },
  },
  ...PASS_THROUGH,
});

export const chatStatusDoc = {
  schema: {
    tags,
    summary: 'Whether the assistant can answer (a model is configured)',
    response: {
      200: json(
        { type: 'object', required: ['available'], properties: { available: { type: 'boolean' } } },
        'false: POST /api/chat would answer 503 CHAT_NOT_CONFIGURED',
      ),
    },
  },
  ...PASS_THROUGH,
};

export const conversationsDoc = {
  schema: {
    tags,
    summary: 'Your chat conversations',
    response: {
      200: json(
        {
          type: 'object',
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'updatedAt', 'preview'],
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  updatedAt: { type: 'string' },
                  preview: { type: 'string' },
                },
              },
            },
          },
        },
        'Newest first',
      ),
    },
  },
  ...PASS_THROUGH,
};

export const conversationDoc = {
  schema: {
    tags,
    summary: 'One conversation',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
    response: {
      200: json(
        {
          type: 'object',
          required: ['id', 'messages'],
          properties: { id: { type: 'string', format: 'uuid' }, messages: { type: 'array', items: ChatMessage } },
        },
        'Its messages, oldest first',
      ),
      404: problem('You have no conversation with this id'),
    },
  },
  ...PASS_THROUGH,
};
