/**
 * One contract for `ChatHistory`, run against the in-memory history and the durable one on
 * PostgreSQL (a real database, no mocks): order, per-user isolation, the message
 * and conversation limits, the list, and (durable only) surviving a new instance.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '@todo/domain';
import { ChatHistoryService } from '@todo/services';
import { Store, schema, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { DurableChatHistory, MemoryChatHistory, type ChatHistory, type ChatMessage } from '../src/index.js';

interface Subject {
  history: ChatHistory;
  /** A user id the history accepts (a real user for the durable one). */
  newUser(): Promise<string>;
  /** A second history over the same storage, as after a restart or on another replica; null in memory. */
  reopen(): ChatHistory | null;
  /** Whether conversation ids are global, so another user's id is refused (NOT_FOUND). */
  globalIds: boolean;
  close(): Promise<void>;
}

const LIMITS = { maxMessages: 200, maxConversations: 100 };

const subjects: [string, (clock: TestClock) => Promise<Subject>][] = [
  [
    'MemoryChatHistory',
    async (clock) => ({
      history: new MemoryChatHistory(() => clock.now()),
      newUser: async () => randomUUID(),
      reopen: () => null,
      globalIds: false,
      close: async () => {},
    }),
  ],
  [
    'DurableChatHistory',
    async (clock) => {
      const database: Database = await createTestDatabase();
      const store = new Store(database.db);
      let n = 0;
      return {
        history: new DurableChatHistory(new ChatHistoryService({ store }), { now: () => clock.now() }),
        newUser: async () => {
          const id = randomUUID();
          const now = clock.now();
          await database.db.insert(schema.users).values({
            id,
            email: `chat${++n}-${id}@example.test`,
            passwordHash: 'x',
            createdAt: now,
            updatedAt: now,
          });
          return id;
        },
        reopen: () =>
          new DurableChatHistory(new ChatHistoryService({ store: new Store(database.db) }), { now: () => clock.now() }),
        globalIds: true,
        close: () => database.close(),
      };
    },
  ],
];

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
const tool = (id: string): ChatMessage => ({ role: 'tool', tool_call_id: id, content: '{"ok":true}' });

describe.each(subjects)('ChatHistory contract: %s', (name, create) => {
  const clock = new TestClock('2026-11-27T09:00:00Z');
  let subject: Subject;
  let history: ChatHistory;
  const tick = () => clock.advance(1000);

  beforeAll(async () => {
    subject = await create(clock);
    history = subject.history;
  }, 60_000);
  afterAll(async () => {
    await subject?.close();
  });

  it('round-trips the messages in order, across appends, as JSON values', async () => {
    const a = await subject.newUser();
    const id = randomUUID();
    expect(await history.load(a, id)).toEqual([]);
    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add_task', arguments: '{"title":"Milk"}' } }],
    } as ChatMessage;
    await history.append(a, id, [user('add milk'), call, tool('call_1')]);
    tick();
    await history.append(a, id, [assistant('Added #1.'), user('thanks ✓ "quoted"')]);
    expect(await history.load(a, id)).toEqual([
      user('add milk'),
      call,
      tool('call_1'),
      assistant('Added #1.'),
      user('thanks ✓ "quoted"'),
    ]);
  });

  it("keeps users apart: B can neither read nor change A's conversation", async () => {
    const a = await subject.newUser();
    const b = await subject.newUser();
    const id = randomUUID();
    await history.append(a, id, [user('secret'), assistant('ok')]);
    expect(await history.load(b, id)).toEqual([]);
    expect(await history.list(b)).toEqual([]);
    const appended = await history.append(b, id, [user('intrusion')]).then(
      () => null,
      (error: unknown) => error,
    );
    if (subject.globalIds) {
      expect(isDomainError(appended) && appended.code).toBe('NOT_FOUND');
      expect(await history.list(b)).toEqual([]);
    }
    expect(await history.load(a, id)).toEqual([user('secret'), assistant('ok')]);
    expect((await history.list(a)).map((c) => c.preview)).toEqual(['secret']);
  });

  it(`keeps the last ${LIMITS.maxMessages} messages and never starts with a tool result`, async () => {
    const a = await subject.newUser();
    const id = randomUUID();
    // 190 messages, then a turn of 15 whose cut would land on tool results.
    const first = Array.from({ length: 190 }, (_, i) => (i % 2 ? assistant(`a${i}`) : user(`u${i}`)));
    await history.append(a, id, first);
    expect(await history.load(a, id)).toHaveLength(190);
    tick();
    // Exactly 200, where the 5 oldest are followed by three tool results.
    const id2 = randomUUID();
    const head = [user('u0'), assistant('a1'), user('u2'), assistant('a3'), user('u4'), tool('t5'), tool('t6'), tool('t7')];
    const rest = Array.from({ length: 192 }, (_, i) => (i % 2 ? assistant(`b${i}`) : user(`v${i}`)));
    await history.append(a, id2, [...head, ...rest]); // exactly 200
    expect(await history.load(a, id2)).toHaveLength(200);
    tick();
    await history.append(a, id2, [user('next'), assistant('n1'), user('n2'), assistant('n3'), user('n4')]); // 205
    const kept = await history.load(a, id2);
    // 5 oldest dropped → t5 would lead; t5…t7 go too.
    expect(kept).toHaveLength(197);
    expect(kept[0]).toEqual(user('v0'));
    expect(kept.at(-1)).toEqual(user('n4'));
    expect(kept.some((m) => m.role === 'tool')).toBe(false);

    // A long run of tool results past the cut (more than a page) is dropped as a whole.
    const id3 = randomUUID();
    await history.append(a, id3, [user('go'), ...Array.from({ length: 70 }, (_, i) => tool(`x${i}`)), assistant('done')]);
    tick();
    await history.append(
      a,
      id3,
      Array.from({ length: 199 }, (_, i) => assistant(`f${i}`)),
    );
    const trimmed = await history.load(a, id3);
    expect(trimmed[0]).toEqual(assistant('done'));
    expect(trimmed).toHaveLength(200);
    expect(trimmed.at(-1)).toEqual(assistant('f198'));

    // The first conversation grows past the cap too and keeps the newest 200 in order.
    await history.append(
      a,
      id,
      Array.from({ length: 20 }, (_, i) => assistant(`c${i}`)),
    );
    const capped = await history.load(a, id);
    expect(capped).toHaveLength(200);
    expect(capped[0]).toEqual(user('u10'));
    expect(capped.at(-1)).toEqual(assistant('c19'));
  });

  it(`keeps ${LIMITS.maxConversations} conversations per user, dropping the least recently updated`, async () => {
    const a = await subject.newUser();
    const b = await subject.newUser();
    const ids = Array.from({ length: LIMITS.maxConversations }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await history.append(a, id, [user(`conversation ${i}`)]);
      tick();
    }
    await history.append(b, randomUUID(), [user('b only')]);
    tick();
    // Touch the oldest: now the second oldest is the least recently updated.
    await history.append(a, ids[0]!, [assistant('still here')]);
    tick();
    const extra = randomUUID();
    await history.append(a, extra, [user('one too many')]);
    const listed = (await history.list(a)).map((c) => c.id);
    expect(listed).toHaveLength(LIMITS.maxConversations);
    expect(listed).not.toContain(ids[1]);
    expect(listed.slice(0, 2)).toEqual([extra, ids[0]]);
    expect(await history.load(a, ids[1]!)).toEqual([]);
    expect(await history.load(a, ids[0]!)).toEqual([user('conversation 0'), assistant('still here')]);
    // Another user's conversations are not counted nor dropped.
    expect((await history.list(b)).map((c) => c.preview)).toEqual(['b only']);
  });

  it('lists the conversations newest first, with the first user message (80 chars) as preview', async () => {
    const a = await subject.newUser();
    const [one, two] = [randomUUID(), randomUUID()];
    const long = `${'x'.repeat(79)}yz and more`;
    const t1 = clock.now().toISOString();
    await history.append(a, one, [user(long), assistant('ok')]);
    tick();
    const t2 = clock.now().toISOString();
    await history.append(a, two, [user('second'), assistant('ok')]);
    expect(await history.list(a)).toEqual([
      { id: two, updatedAt: t2, preview: 'second' },
      { id: one, updatedAt: t1, preview: `${'x'.repeat(79)}y` },
    ]);
    tick();
    const t3 = clock.now().toISOString();
    await history.append(a, one, [user('follow-up'), assistant('ok')]);
    expect(await history.list(a)).toEqual([
      { id: one, updatedAt: t3, preview: `${'x'.repeat(79)}y` },
      { id: two, updatedAt: t2, preview: 'second' },
    ]);
  });

  // The in-memory history is lost with its instance by design: this case is for the others.
  if (name === 'MemoryChatHistory') return;
  it('is durable: a new instance over the same storage sees the history', async () => {
    const reopened = subject.reopen()!;
    const a = await subject.newUser();
    const id = randomUUID();
    await history.append(a, id, [user('remember: blue'), assistant('Noted.')]);
    expect(await reopened.load(a, id)).toEqual([user('remember: blue'), assistant('Noted.')]);
    expect((await reopened.list(a)).map((c) => [c.id, c.preview])).toEqual([[id, 'remember: blue']]);
    await reopened.append(a, id, [user('what colour?'), assistant('Blue.')]);
    expect(await history.load(a, id)).toHaveLength(4);
  });
});
