/**
 * How `/mcp` appears in the API's OpenAPI document. The body is JSON-RPC, which the MCP SDK
 * validates and answers in JSON-RPC itself, so these schemas are plain JSON Schema for the
 * document only: the routes get pass-through compilers, whatever compilers the app has.
 */
import { JSONRPCMessageSchema, JSONRPCResultResponseSchema } from '@modelcontextprotocol/sdk/types.js';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/** JSON Schema of one of the SDK's own zod schemas: the document says what the SDK checks. */
const fromSdk = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

const Message = fromSdk(JSONRPCMessageSchema, 'input');

const ErrorReply = {
  type: 'object',
  required: ['jsonrpc', 'error'],
  properties: {
    jsonrpc: { const: '2.0' },
    // null when the request could not be read far enough to know its id.
    id: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} },
    },
  },
  additionalProperties: false,
};

const Reply = { anyOf: [fromSdk(JSONRPCResultResponseSchema, 'output'), ErrorReply] };

const jsonRpcError = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ErrorReply } },
});

const guarded = {
  403: jsonRpcError('The Host or Origin header is not allowed (DNS-rebinding protection)'),
};

const authenticated = {
  ...guarded,
  401: jsonRpcError('No valid bearer token', { 'www-authenticate': { type: 'string' } }),
};

const tags = ['mcp'];

export const MCP_POST_SCHEMA = {
  tags,
  summary: 'Model Context Protocol over Streamable HTTP (stateless): one JSON-RPC message or a batch',
  description:
    'Send `Accept: application/json, text/event-stream` (or `*/*`) and `Content-Type: application/json`. ' +
    'Requests are answered with JSON; notifications and responses alone with 202. See docs/mcp.md.',
  body: { anyOf: [Message, { type: 'array', items: Message }] },
  response: {
    200: {
      description: 'The JSON-RPC reply (an array for a batch)',
      content: { 'application/json': { schema: { anyOf: [Reply, { type: 'array', items: Reply }] } } },
    },
    202: { description: 'Accepted: the body held only notifications or responses', type: 'null' },
    400: jsonRpcError('Not JSON (-32700), not JSON-RPC, or an unsupported MCP-Protocol-Version'),
    ...authenticated,
    406: jsonRpcError('The Accept header allows neither application/json nor text/event-stream'),
    413: jsonRpcError('The body is too large'),
    415: jsonRpcError('The body is not sent as application/json'),
    429: jsonRpcError('Too many requests for this token; wait as Retry-After says', {
      'retry-after': { type: 'integer', minimum: 1 },
    }),
  },
};

const notAllowed = (summary: string) => ({
  tags,
  summary,
  security: [],
  response: { ...guarded, 405: jsonRpcError('The server is stateless: only POST is supported', { allow: { const: 'POST' } }) },
});

export const MCP_GET_SCHEMA = notAllowed('Not supported (no server-initiated stream): always 405');
export const MCP_DELETE_SCHEMA = notAllowed('Not supported (no sessions to end): always 405');

/** The SDK validates and serialises JSON-RPC; Fastify only passes it through. */
export const PASS_THROUGH: {
  validatorCompiler: FastifySchemaCompiler<unknown>;
  serializerCompiler: FastifySerializerCompiler<unknown>;
} = {
  validatorCompiler: () => () => true,
  serializerCompiler: () => (data) => JSON.stringify(data),
};
