/**
 * The chat history in the database (`chat_conversations`, `chat_messages`): it survives
 * restarts and is shared by every replica on the same database. Same limits and preview rule
 * as `MemoryChatHistory`.
 */
import type { ChatHistoryService } from '@todo/services';
import type { ChatHistory } from './history.js';
import type { ChatMessage } from './openai.js';

export interface DurableChatHistoryOptions {
  now?: () => Date;
  /** Oldest messages beyond this are dropped (the model's context is finite anyway). */
  maxMessages?: number;
  /** A user's least recently updated conversations beyond this are dropped. */
  maxConversations?: number;
}

/** The first user message, shortened: what the conversation list shows. */
export function previewOf(messages: readonly ChatMessage[]): string {
  const first = messages.find((m) => m.role === 'user');
  return first && 'content' in first ? String(first.content).slice(0, 80) : '';
}

/** Where the conversations are kept: the services' `ChatHistoryService`. */
export type ChatHistoryStore = Pick<ChatHistoryService, 'load' | 'append' | 'list'>;

const isToolMessage = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && (message as { role?: unknown }).role === 'tool';

export class DurableChatHistory implements ChatHistory {
  private readonly now: () => Date;
  private readonly maxMessages: number;
  private readonly maxConversations: number;

  constructor(
    private readonly store: ChatHistoryStore,
    options: DurableChatHistoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxMessages = options.maxMessages ?? 200;
    this.maxConversations = options.maxConversations ?? 100;
  }

  async load(userId: string, conversationId: string): Promise<ChatMessage[]> {
    return (await this.store.load(userId, conversationId)) as ChatMessage[];
  }

  /** @throws DomainError NOT_FOUND when the id is another user's conversation. */
  async append(userId: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    await this.store.append(userId, conversationId, messages, {
      now: this.now(),
      preview: previewOf(messages),
      maxMessages: this.maxMessages,
      maxConversations: this.maxConversations,
      isToolMessage,
    });
  }

  list(userId: string): Promise<{ id: string; updatedAt: string; preview: string }[]> {
    return this.store.list(userId);
  }
}
