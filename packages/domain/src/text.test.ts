import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { assertSafeText, unsafeTextIssues, unsafeTextReason } from './text.js';

describe('unsafe text', () => {
  it('refuses NUL and lone surrogates, accepts surrogate pairs and other control characters', () => {
    expect(unsafeTextReason('a\u0000b')).toMatch(/NUL/);
    expect(unsafeTextReason('a\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(unsafeTextReason('\udc00a')).toMatch(/lone UTF-16 surrogate/);
    expect(unsafeTextReason('\udc00\ud800')).toMatch(/lone/); // reversed pair
    expect(unsafeTextReason('party \ud83c\udf89')).toBeNull();
    expect(unsafeTextReason('tab\tnew\nline\u0001')).toBeNull();
  });

  it('names every offending string and key by its dotted path', () => {
    expect(
      unsafeTextIssues({ title: 'ok', tags: ['a', 'b\u0000'], due: { date: '\ud800' }, ['k\u0000']: 1, n: 3, x: null }),
    ).toEqual([
      { field: 'tags.1', message: 'must not contain the NUL character (U+0000)' },
      { field: 'due.date', message: 'must be valid Unicode text: it contains a lone UTF-16 surrogate' },
      { field: '"k\\u0000"', message: 'field name must not contain the NUL character (U+0000)' },
    ]);
    expect(unsafeTextIssues('\u0000')).toEqual([{ field: '(root)', message: expect.stringMatching(/NUL/) }]);
  });

  it('throws INVALID_TEXT with the issues', () => {
    expect(() => assertSafeText({ q: 'fine' })).not.toThrow();
    try {
      assertSafeText({ q: 'x\u0000' });
      expect.fail('expected a DomainError');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'INVALID_TEXT', status: 400, issues: [{ field: 'q' }] });
    }
  });
});
