/**
 * Search as you type: the search box sends what is typed so far, so the last word is a prefix
 * ("dent" finds "dentist"), the words before it whole words, best matches first; text that
 * looks like tsquery syntax is searched as text, never an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('task search', () => {
  let h: Harness;
  let u: Awaited<ReturnType<Harness['user']>>;
  const titles = (body: { items: { title: string }[] }) => body.items.map((t) => t.title);
  const search = async (q: string) => {
    const res = await h.call('GET', `/api/tasks?q=${encodeURIComponent(q)}`, u.auth);
    expect(res.status, `q=${q}: ${JSON.stringify(res.body)}`).toBe(200);
    return titles(res.body);
  };

  beforeAll(async () => {
    h = await createHarness();
    u = await h.user('Europe/Berlin');
    for (const task of [
      { title: 'Call the dentist', description: 'about the crown' },
      { title: 'Dentist invoice', description: 'pay the dentist, then file the dentist invoice' },
      { title: 'Happy hour with the team' },
      { title: 'Buy milk', description: 'ask the dentist about sugar' },
      { title: 'Read "Theory of everything"' },
    ]) {
      expect((await h.call('POST', '/api/tasks', u.auth, task)).status).toBe(201);
    }
  });
  afterAll(() => h?.close());

  it('matches the last word as a prefix while it is being typed', async () => {
    for (const q of ['d', 'de', 'den', 'dent', 'denti', 'dentis', 'dentist', 'DENTIST', 'dentists']) {
      expect((await search(q)).sort(), q).toEqual(['Buy milk', 'Call the dentist', 'Dentist invoice'].sort());
    }
    expect(await search('happ')).toEqual(['Happy hour with the team']);
    expect(await search('happy')).toEqual(['Happy hour with the team']);
    // A stop word begun is often a longer word.
    expect(await search('the')).toEqual(['Read "Theory of everything"']);
  });

  it('takes the words before the last one whole, all of them required', async () => {
    expect(await search('call dent')).toEqual(['Call the dentist']);
    expect(await search('cal dent')).toEqual([]);
    expect(await search('dentist inv')).toEqual(['Dentist invoice']);
    expect(await search('dentist -invoice cro')).toEqual(['Call the dentist']);
  });

  it('ranks the best matches first', async () => {
    // Title (weight A) and the word three times beat a description mention.
    expect((await search('dentis')).at(-1)).toBe('Buy milk');
    expect((await search('dentist')).at(-1)).toBe('Buy milk');
  });

  it('searches tsquery syntax as text instead of failing', async () => {
    for (const q of ['dent:*', "dent'", 'dent & milk', 'dent | (', '!!', ':*', '"dentist', '-', 'a:b:c', 'dent\\', '<->']) {
      expect((await h.call('GET', `/api/tasks?q=${encodeURIComponent(q)}`, u.auth)).status, q).toBe(200);
    }
    expect(await search('e-mail')).toEqual([]);
  });
});
