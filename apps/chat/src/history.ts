/**
 * Conversation history per user. The runtime keeps it in the database (`DurableChatHistory`);
 * `MemoryChatHistory` (lost on restart, not shared between replicas) serves tests and
 * embedders that pass no store.
 */
import type { ChatMessage } from './openai.js';

export interface ChatHistory {
  /** The messages of one of the user's conversations, oldest first; [] when unknown. */
  load(userId: string, conversationId: string): Promise<ChatMessage[]>;
  append(userId: string, conversationId: string, messages: ChatMessage[]): Promise<void>;
  list(userId: string): Promise<{ id: string; updatedAt: string; preview: string }[]>;
}

export class MemoryChatHistory implements ChatHistory {
  private readonly users = new Map<string, Map<string, { messages: ChatMessage[]; updatedAt: string }>>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Oldest messages beyond this are dropped (the model's context is finite anyway). */
    private readonly maxMessages = 200,
    private readonly maxConversations = 100,
  ) {}

  async load(userId: string, conversationId: string): Promise<ChatMessage[]> {
    return [...(this.users.get(userId)?.get(conversationId)?.messages ?? [])];
  }

  async append(userId: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    let conversations = this.users.get(userId);
    if (!conversations) this.users.set(userId, (conversations = new Map()));
    const entry = conversations.get(conversationId) ?? { messages: [], updatedAt: '' };
    conversations.delete(conversationId); // re-insert: Map order = least recently used first
    entry.messages.push(...messages);
    let excess = entry.messages.length - this.maxMessages;
    // Never start a history with an orphan tool result.
    while (excess > 0 || entry.messages[0]?.role === 'tool') {
      entry.messages.shift();
      excess -= 1;
    }
    entry.updatedAt = this.now().toISOString();
    conversations.set(conversationId, entry);
    while (conversations.size > this.maxConversations) conversations.delete(conversations.keys().next().value!);
  }

  async list(userId: string) {
    return [...(this.users.get(userId)?.entries() ?? [])]
      .map(([id, c]) => {
        const first = c.messages.find((m) => m.role === 'user');
        return { id, updatedAt: c.updatedAt, preview: first && 'content' in first ? String(first.content).slice(0, 80) : '' };
      })
      .reverse();
  }
}
