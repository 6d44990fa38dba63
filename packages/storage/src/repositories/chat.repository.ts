/**
 * The in-app chat's conversation history. Messages are opaque JSON values here (storage does
 * not know the chat's message shape); every method is scoped to the owner's user id, and a
 * conversation id that belongs to another user is treated as not found.
 */
import { and, asc, desc, eq, gte, lt, max, min, ne, notInArray, sql } from 'drizzle-orm';
import { DomainError } from '@todo/domain';
import type { Db } from '../db.js';
import { chatConversations, chatMessages } from '../schema.js';

export interface ChatConversationSummary {
  id: string;
  /** ISO instant of the last append. */
  updatedAt: string;
  preview: string;
}

export interface ChatAppendOptions {
  now: Date;
  /** Stored when the conversation has no preview yet (a conversation keeps its first one). */
  preview: string;
  /** The oldest messages beyond this are dropped. */
  maxMessages: number;
  /** The user's least recently updated conversations beyond this are dropped. */
  maxConversations: number;
  /** A history never starts with a tool message (an orphan tool result). */
  isToolMessage: (message: unknown) => boolean;
}

/** How many messages are read per round trip while looking for the first non-tool message. */
const SCAN_PAGE = 32;

export class ChatRepository {
  constructor(private readonly db: Db) {}

  /** The messages of one of the user's conversations, oldest first; [] when unknown or not theirs. */
  async load(userId: string, conversationId: string): Promise<unknown[]> {
    const rows = await this.db
      .select({ message: chatMessages.message })
      .from(chatMessages)
      .innerJoin(chatConversations, eq(chatConversations.id, chatMessages.conversationId))
      .where(and(eq(chatConversations.id, conversationId), eq(chatConversations.userId, userId)))
      .orderBy(asc(chatMessages.position));
    return rows.map((r) => r.message);
  }

  /**
   * Appends to the user's conversation (creating it), then applies the limits, in one
   * transaction. The upsert locks the conversation row, so concurrent appends to the same
   * conversation (from any replica) queue and get consecutive positions.
   * @throws DomainError NOT_FOUND when the id is another user's conversation.
   */
  async append(userId: string, conversationId: string, messages: unknown[], options: ChatAppendOptions): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [owned] = await tx
        .insert(chatConversations)
        .values({ id: conversationId, userId, createdAt: options.now, updatedAt: options.now, preview: options.preview })
        .onConflictDoUpdate({
          target: chatConversations.id,
          set: {
            updatedAt: options.now,
            preview: sql`case when ${chatConversations.preview} = '' then excluded.preview else ${chatConversations.preview} end`,
          },
          setWhere: eq(chatConversations.userId, userId),
        })
        .returning({ id: chatConversations.id });
      if (!owned) throw new DomainError('NOT_FOUND', 'no such conversation');

      const ofConversation = eq(chatMessages.conversationId, conversationId);
      const [range] = await tx
        .select({ first: min(chatMessages.position), last: max(chatMessages.position) })
        .from(chatMessages)
        .where(ofConversation);
      const first = range?.first ?? 0;
      const next = range?.last == null ? 0 : range.last + 1;
      if (messages.length) {
        await tx.insert(chatMessages).values(messages.map((message, i) => ({ conversationId, position: next + i, message })));
      }

      // Positions are contiguous (only a prefix is ever dropped), so the excess is arithmetic.
      const end = next + messages.length;
      let cut = first + Math.max(0, end - first - options.maxMessages);
      for (;;) {
        const page = await tx
          .select({ position: chatMessages.position, message: chatMessages.message })
          .from(chatMessages)
          .where(and(ofConversation, gte(chatMessages.position, cut)))
          .orderBy(asc(chatMessages.position))
          .limit(SCAN_PAGE);
        const keep = page.find((r) => !options.isToolMessage(r.message));
        if (keep) {
          cut = keep.position;
          break;
        }
        if (page.length < SCAN_PAGE) {
          cut = end;
          break;
        }
        cut = page.at(-1)!.position + 1;
      }
      if (cut > first) await tx.delete(chatMessages).where(and(ofConversation, lt(chatMessages.position, cut)));

      // Drop the least recently updated conversations beyond the limit (never this one).
      const newest = tx
        .select({ id: chatConversations.id })
        .from(chatConversations)
        .where(and(eq(chatConversations.userId, userId), ne(chatConversations.id, conversationId)))
        .orderBy(desc(chatConversations.updatedAt), desc(chatConversations.id))
        .limit(Math.max(0, options.maxConversations - 1));
      await tx
        .delete(chatConversations)
        .where(
          and(
            eq(chatConversations.userId, userId),
            ne(chatConversations.id, conversationId),
            notInArray(chatConversations.id, newest),
          ),
        );
    });
  }

  /** The user's conversations, most recently updated first. */
  async list(userId: string): Promise<ChatConversationSummary[]> {
    const rows = await this.db
      .select({ id: chatConversations.id, updatedAt: chatConversations.updatedAt, preview: chatConversations.preview })
      .from(chatConversations)
      .where(eq(chatConversations.userId, userId))
      .orderBy(desc(chatConversations.updatedAt), desc(chatConversations.id));
    return rows.map((r) => ({ id: r.id, updatedAt: r.updatedAt.toISOString(), preview: r.preview }));
  }
}
