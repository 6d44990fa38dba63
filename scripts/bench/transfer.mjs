#!/usr/bin/env node
// npm run bench:transfer — bytes on the wire, as a browser receives them: the web UI's JS and
// CSS bundle and a 500-task list (the web UI's pages of 200) with `Accept-Encoding` br, gzip
// and none. Against `todo start` (embedded PostgreSQL) on loopback; builds the web UI first if
// apps/web/dist is missing. Writes the table into docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchRetrying, root, startTodo, writeSection } from './support.mjs';

const TASKS = 500;
const ENCODINGS = ['br', 'gzip', 'identity'];
const say = (m) => process.stderr.write(`[bench:transfer] ${m}\n`);

if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
  say('building the web UI');
  execFileSync('npm', ['run', 'build', '-w', '@todo/web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The body as sent (not decoded), with its content-encoding. */
function raw(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, encoding: res.headers['content-encoding'] ?? 'identity', body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}

async function call(base, method, path, token, body) {
  const res = await fetchRetrying(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const dataDir = mkdtempSync(join(tmpdir(), 'todo-bench-transfer-'));
const { child, url } = await startTodo({ DATA_DIR: dataDir });
try {
  const { token } = await call(url, 'POST', '/api/auth/signup', null, {
    email: `transfer-${Date.now()}@example.test`,
    password: 'benchmark password',
    timeZone: 'UTC',
  });
  say(`creating ${TASKS} tasks`);
  const priorities = ['none', 'low', 'medium', 'high', 'urgent'];
  for (let i = 0; i < TASKS; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => {
        const n = i + j;
        return call(url, 'POST', '/api/tasks', token, {
          title: `Benchmark task ${n} with a realistic title length`,
          priority: priorities[n % 5],
          tags: [`tag${n % 7}`],
          ...(n % 3 ? { due: { date: `2027-0${(n % 9) + 1}-1${n % 10}` } } : {}),
        });
      }),
    );
  }

  const html = (await raw(`${url}/`, {})).body.toString('utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)].map((m) => ({ path: m[1], kind: m[2] }));
  const rows = [];
  for (const kind of ['js', 'css']) {
    const sizes = {};
    for (const encoding of ENCODINGS) {
      sizes[encoding] = 0;
      for (const asset of assets.filter((a) => a.kind === kind)) {
        const res = await raw(`${url}${asset.path}`, { 'accept-encoding': encoding });
        if (res.encoding !== encoding) throw new Error(`${asset.path}: asked for ${encoding}, got ${res.encoding}`);
        sizes[encoding] += res.body.length;
      }
    }
    rows.push([`web UI ${kind.toUpperCase()} bundle`, sizes]);
  }
  const list = {};
  let pages = 0;
  for (const encoding of ENCODINGS) {
    list[encoding] = 0;
    pages = 0;
    let cursor = null;
    do {
      const path = `/api/tasks?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await raw(`${url}${path}`, { authorization: `Bearer ${token}`, 'accept-encoding': encoding });
      if (res.encoding !== encoding) throw new Error(`${path}: asked for ${encoding}, got ${res.encoding}`);
      list[encoding] += res.body.length;
      pages++;
      const decoded = (await call(url, 'GET', path, token)).nextCursor;
      cursor = decoded;
    } while (cursor);
  }
  rows.push([`${TASKS}-task list JSON (${pages} pages of 200)`, list]);

  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)}: response bodies as sent on loopback, by \`Accept-Encoding\` (the bundle pre-compressed at build time, brotli quality 11 and gzip level 9; JSON compressed per request by \`@fastify/compress\`, brotli quality 4).`,
    '',
    '| what | identity | gzip | br | br saves |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      ([name, s]) =>
        `| ${name} | ${kb(s.identity)} | ${kb(s.gzip)} | ${kb(s.br)} | ${Math.round(100 * (1 - s.br / s.identity))} % |`,
    ),
  ].join('\n');
  writeSection('transfer', table);
  process.stdout.write(`${table}\n`);
  say('written to docs/benchmarks.md');
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
