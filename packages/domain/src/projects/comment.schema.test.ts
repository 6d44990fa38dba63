import { describe, expect, it } from 'vitest';
import { activityOf } from './activity.js';
import { CommentInput, mentionTokens, resolveMentions } from './comment.schema.js';

const members = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Sam Lee', email: 'sam@example.com' },
  { id: '00000000-0000-4000-8000-000000000002', name: null, email: 'robin.k@example.org' },
];

describe('mentions', () => {
  it('finds @words, once each, not inside an email address, without the full stop after them', () => {
    expect(mentionTokens('@SamLee and @robin.k, thanks. Mail me@example.com or ask @robin.k.')).toEqual(['SamLee', 'robin.k']);
  });

  it('resolves names (spaces ignored) and email local parts among members only; others stay unresolved', () => {
    expect(resolveMentions(['samlee', 'Robin.K', 'sam', 'nobody'], members)).toEqual({
      ids: [members[0]!.id, members[1]!.id],
      unresolved: ['nobody'],
    });
    expect(resolveMentions(['sam'], members).ids).toEqual([members[0]!.id]);
  });

  it('takes bodies of 1 to 10,000 characters', () => {
    expect(CommentInput.safeParse({ body: '  ' }).success).toBe(false);
    expect(CommentInput.safeParse({ body: 'x'.repeat(10_001) }).success).toBe(false);
    expect(CommentInput.safeParse({ body: 'x'.repeat(10_000) }).success).toBe(true);
  });
});

describe('activityOf', () => {
  it('names no line for events the history does not show', () => {
    expect(activityOf({ id: 'e', type: 'todo.reminder.due.v1', time: new Date(0).toISOString(), data: {} as never })).toBeNull();
  });
});
