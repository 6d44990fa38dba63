/**
 * What every response carries regardless of route: security headers (@fastify/helmet) and
 * compression of bodies worth compressing (@fastify/compress). docs/security.md explains each
 * header; the policy is one for the web UI, the API and the API docs at `/docs`.
 */
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { LINK_PAGE_STYLE_SOURCE } from './routes/link-page.js';

/**
 * Only our own scripts, styles and connections. The web UI and Swagger UI load everything from
 * this origin (no inline script; React sets styles through the DOM, which CSP allows); their
 * CSS carries icons as `data:` images. The one inline style allowed, by its hash, is the style
 * sheet of the pages that links in emails open (routes/link-page.ts). No page of ours may be framed (clickjacking).
 */
export function contentSecurityPolicy(https: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", LINK_PAGE_STYLE_SOURCE],
    // Over plain HTTP (a laptop, a LAN address) upgrading would point the page at a port that
    // speaks no TLS.
    'upgrade-insecure-requests': https ? [] : null,
  };
}

export async function registerHttpPolicy(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(opts.https) },
    frameguard: { action: 'deny' },
    // Same-origin requests keep the Referer the cookie check falls back on; others get nothing.
    referrerPolicy: { policy: 'same-origin' },
    // HSTS over plain HTTP would be ignored at best; on a shared host name, it would pin others.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  // JSON and text from 1 kB on. The web bundle arrives already compressed (web-root.ts) and is
  // left as it is; event streams are written to the socket directly and never pass here.
  // Request bodies are not decompressed: nobody sends them so, and a small compressed body
  // that inflates a thousandfold is an attack, not a task.
  await app.register(compress, { global: true, globalDecompression: false, threshold: 1024, encodings: ['br', 'gzip'] });
}
