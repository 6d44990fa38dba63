/**
 * What every response carries: security headers on the web UI, the API and the API docs, a
 * content security policy that still lets those pages load everything they ask for, caching
 * that never strands a browser on a removed bundle, and compressed bodies.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../../web/precompress.mjs';
import { createHarness, type Harness } from './harness.js';

const HASHED_JS = 'assets/index-Ab12Cd34.js';
const HASHED_CSS = 'assets/index-Ef56Gh78.css';

/** A web root as `vite build` leaves it, pre-compressed by the same step the build runs. */
async function builtWebRoot(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'todo-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>todo-app</title>
    <script type="module" crossorigin src="/${HASHED_JS}"></script>
    <link rel="stylesheet" crossorigin href="/${HASHED_CSS}"></head><body><div id="root"></div></body></html>`,
  );
  writeFileSync(join(root, HASHED_JS), 'export const rows = [];\n'.repeat(400));
  writeFileSync(join(root, HASHED_CSS), '.task { color: CanvasText; }\n'.repeat(200));
  await precompress(root);
  return root;
}

const csp = (headers: Record<string, unknown>): Map<string, string> =>
  new Map(
    String(headers['content-security-policy'])
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values.join(' ')]),
  );

/** Every script, style sheet and image a page names: each must come from this origin, none inline. */
function resourcesOf(html: string): { urls: string[]; inline: string[] } {
  const urls = [...html.matchAll(/<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  const inline = [
    ...[...html.matchAll(/<script\b[^>]*>([^<]*)<\/script>/g)].map((m) => m[1]!.trim()).filter(Boolean),
    ...[...html.matchAll(/<style\b|\sstyle="|\son[a-z]+="/g)].map((m) => m[0]),
  ];
  return { urls, inline };
}

describe('security headers, caching and compression', () => {
  let h: Harness;
  let webRoot: string;
  let auth: { authorization: string };
  beforeAll(async () => {
    webRoot = await builtWebRoot();
    h = await createHarness({ app: { webRoot, publicUrl: 'http://localhost:8080' } });
    ({ auth } = await h.user());
  });
  afterAll(async () => {
    await h?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('sends CSP and its companions on the web UI, the API and the API docs', async () => {
    for (const url of ['/', '/all', '/api/me', '/api/tasks', '/docs', '/docs/static/swagger-ui.css']) {
      const res = await h.app.inject({ method: 'GET', url, headers: url.startsWith('/api/') ? auth : {} });
      expect(res.statusCode, url).toBe(200);
      const policy = csp(res.headers);
      expect(policy.get('default-src'), url).toBe("'self'");
      expect(policy.get('script-src'), url).toBe("'self'");
      // Besides this origin, only the email-link pages' own style sheet, by its hash (below).
      expect(policy.get('style-src'), url).toMatch(/^'self' 'sha256-[A-Za-z0-9+/]{43}='$/);
      expect(policy.get('object-src'), url).toBe("'none'");
      expect(policy.get('frame-ancestors'), url).toBe("'none'");
      expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      // Served over plain HTTP: neither HSTS nor upgrading requests to a TLS port that is not there.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
      expect(policy.has('upgrade-insecure-requests'), url).toBe(false);
    }
  });

  it('lets the web UI and the API docs load everything they name under that policy', async () => {
    const pages = { '/': 2, '/docs': 5 };
    for (const [page, count] of Object.entries(pages)) {
      const res = await h.app.inject({ method: 'GET', url: page });
      const { urls, inline } = resourcesOf(res.body);
      expect(inline, page).toEqual([]);
      expect(urls.length, page).toBeGreaterThanOrEqual(count);
      for (const url of urls) {
        expect(url, page).toMatch(/^\/(?!\/)/); // this origin ('self'), never another host
        const loaded = await h.app.inject({ method: 'GET', url });
        expect(loaded.statusCode, url).toBe(200);
      }
    }
    // Swagger UI reads the document from this origin (connect-src 'self'), and its style
    // sheet's images are data: URLs (img-src data:) or its own files
    // (and sends it to no validator service).
    const init = await h.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toContain("url: resolveUrl('./json')");
    expect(init.body).toMatch(/validatorUrl: null/);
    const document = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(document.json()).toMatchObject({ openapi: '3.1.0' });
    const css = (await h.app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })).body;
    for (const [, url] of css.matchAll(/url\(\s*["']?([^"')]+)/g)) expect(url).toMatch(/^(data:|\.?\/)/);
  });

  it("lets an email link's page apply its inline style sheet, and nothing else inline", async () => {
    const res = await h.app.inject({ method: 'GET', url: `/confirm/${'x'.repeat(40)}` });
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const styles = [...res.body.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]!).digest('base64');
    expect(csp(res.headers).get('style-src')).toBe(`'self' 'sha256-${hash}'`);
    expect(res.body).not.toMatch(/\sstyle="|<script|\son[a-z]+="/);
  });

  it('turns on HSTS and request upgrades when PUBLIC_URL is https', async () => {
    const secure = await createHarness({ app: { publicUrl: 'https://todo.example.com' } });
    try {
      const res = await secure.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(csp(res.headers).has('upgrade-insecure-requests')).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('revalidates the HTML on every load and caches hashed assets for good', async () => {
    for (const url of ['/', '/index.html', '/all', '/tasks/123/edit']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
    for (const url of [`/${HASHED_JS}`, `/${HASHED_CSS}`]) {
      for (const encoding of ['br', 'gzip', 'identity']) {
        const res = await h.app.inject({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
        expect(res.headers['cache-control'], `${url} ${encoding}`).toBe('public, max-age=31536000, immutable');
      }
    }
  });

  it('sends the pre-compressed bundle to clients that accept brotli or gzip', async () => {
    for (const file of [HASHED_JS, HASHED_CSS]) {
      const original = readFileSync(join(webRoot, file));
      const br = await h.app.inject({ method: 'GET', url: `/${file}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(br.rawPayload.length).toBeLessThan(original.length / 4);
      expect(br.rawPayload).toEqual(readFileSync(join(webRoot, `${file}.br`))); // as built, not compressed again
      expect(brotliDecompressSync(br.rawPayload)).toEqual(original);
      const gz = await h.app.inject({ method: 'GET', url: `/${file}`, headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.rawPayload).toEqual(readFileSync(join(webRoot, `${file}.gz`)));
      expect(gunzipSync(gz.rawPayload)).toEqual(original);
      const plain = await h.app.inject({ method: 'GET', url: `/${file}` });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.rawPayload).toEqual(original);
    }
  });

  it('compresses JSON responses that are worth it, and decodes to the same content', async () => {
    for (let i = 0; i < 30; i++) await h.call('POST', '/api/tasks', auth, { title: `Compressible task number ${i}` });
    const plain = await h.app.inject({ method: 'GET', url: '/api/tasks?limit=50', headers: auth });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = plain.json();
    expect(expected.items).toHaveLength(30);
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const res = await h.app.inject({
        method: 'GET',
        url: '/api/tasks?limit=50',
        headers: { ...auth, 'accept-encoding': encoding },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      expect(JSON.parse(decode(res.rawPayload).toString('utf8'))).toEqual(expected);
    }
    // Requests are not inflated: a compressed body is refused, not unpacked.
    const compressed = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ title: 'sent compressed' })),
    });
    expect(compressed.statusCode).toBe(400);
    expect(compressed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    // A body smaller than a compressed frame's overhead is sent as it is.
    const small = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });
});
