import { describe, expect, it } from 'vitest';
import { escapeHtml, renderMarkdown } from '../src/markdown.js';

describe('renderMarkdown', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps only http(s) and mailto links', () => {
    expect(renderMarkdown('[ok](https://example.org/a?b=1&c=2)')).toContain('<a href="https://example.org/a?b=1&amp;c=2"');
    expect(renderMarkdown('[bad](javascript:alert(1))')).not.toContain('<a');
    expect(renderMarkdown('[x](https://e.org/"onmouseover="y)')).not.toContain('"onmouseover');
  });

  it('formats headings, emphasis, code, lists and task items', () => {
    const html = renderMarkdown('# Plan\n\n**bold** and *it* and `a<b`\n\n- [x] done\n- [ ] todo\n\n1. one\n2. two');
    expect(html).toContain('<h3>Plan</h3>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<code>a&lt;b</code>');
    expect(html).toContain('<ul><li><input type="checkbox" disabled checked');
    expect(html).toContain('<ol><li>one</li><li>two</li></ol>');
  });

  it('renders fenced code verbatim (escaped) and quotes', () => {
    expect(renderMarkdown('```\n**x** <b>\n```')).toBe('<pre><code>**x** &lt;b&gt;</code></pre>');
    expect(renderMarkdown('> quoted')).toBe('<blockquote><p>quoted</p></blockquote>');
  });

  it('links bare URLs', () => {
    expect(renderMarkdown('see https://example.org.')).toContain('<a href="https://example.org"');
  });

  it('escapes quotes', () => {
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});
