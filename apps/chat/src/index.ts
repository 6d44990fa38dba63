/**
 * @module @todo/chat — the AI chat: an agent loop over any OpenAI-compatible chat-completions
 * endpoint, using the MCP tool implementations in process, streamed to the client as SSE.
 * @example
 *   registerChatRoutes(app, { services, clock, chatConfig: chatConfigFromEnv(process.env), principalOf });
 */
export { registerChatRoutes, chatConfigFromEnv, type ChatRouteOptions } from './routes.js';
export { runAgent, functionTools, type AgentEvent, type AgentRun } from './agent.js';
export { MemoryChatHistory, type ChatHistory } from './history.js';
export { DurableChatHistory, previewOf, type DurableChatHistoryOptions, type ChatHistoryStore } from './durable-history.js';
export { streamCompletion, ModelError, type ChatConfig, type ChatMessage, type ToolCall, type FunctionTool } from './openai.js';
