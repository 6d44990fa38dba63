/** The small HTML pages that links in emails open (reminder actions, account confirmations). */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * The pages' buttons are HTML forms: a browser posts them as an (empty) urlencoded form, which
 * the JSON-only API refuses with 415. Accepted, and ignored, in the scope of these routes only.
 */
export function acceptFormButtons(scope: Pick<FastifyInstance, 'addContentTypeParser'>): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, undefined),
  );
}
const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#15803d;color:#fff;cursor:pointer}`;

/**
 * The pages' one inline style sheet, allowed by the content security policy through its hash
 * (http-policy.ts): these pages must work alone, and no other inline style is allowed.
 */
export const LINK_PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export const linkPage = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · todo-app</title>
<style>${STYLE}</style>
</head><body>${body}</body></html>`;

export const escape = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
