/** The stored chat conversations of each user (`chat_conversations`, `chat_messages`). */
import type { ChatAppendOptions, ChatConversationSummary } from '@todo/storage';
import type { ServiceDeps } from './deps.js';

export class ChatHistoryService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  /** The messages of one of the user's conversations, oldest first; [] when unknown or not theirs. */
  load(userId: string, conversationId: string): Promise<unknown[]> {
    return this.deps.store.repos.chat.load(userId, conversationId);
  }

  /** @throws DomainError NOT_FOUND when the id is another user's conversation. */
  append(userId: string, conversationId: string, messages: unknown[], options: ChatAppendOptions): Promise<void> {
    return this.deps.store.repos.chat.append(userId, conversationId, messages, options);
  }

  list(userId: string): Promise<ChatConversationSummary[]> {
    return this.deps.store.repos.chat.list(userId);
  }
}
