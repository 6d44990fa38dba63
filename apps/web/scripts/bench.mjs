#!/usr/bin/env node
// npm run bench:web — the web UI's production bundle size (raw and gzip) and its time to
// interactive on a list of 500 tasks in headless Chromium (median of 5 cold page loads, each
// in a fresh browser context). Prints a markdown table; when docs/benchmarks.md holds the
// markers <!-- bench:web:start --> / <!-- bench:web:end -->, the table is written between them.
//
// TTI here = from navigation start until the 500th task row is in the DOM and the main thread
// has gone idle (the next requestIdleCallback), i.e. the list can be clicked and typed into.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const web = join(root, 'apps/web');
const dist = join(web, 'dist');
const TASKS = 500;
const RUNS = 5;
const say = (m) => process.stderr.write(`[bench:web] ${m}\n`);

// 1. Bundle size.
if (!existsSync(join(dist, 'index.html')) || process.argv.includes('--build')) {
  say('building the production bundle (vite build)');
  execFileSync('npm', ['run', 'build', '-w', '@todo/web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
const assets = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
const size = { js: [0, 0], css: [0, 0] };
for (const file of assets) {
  const bytes = readFileSync(join(dist, 'assets', file));
  const kind = file.endsWith('.js') ? 'js' : 'css';
  size[kind][0] += statSync(join(dist, 'assets', file)).size;
  size[kind][1] += gzipSync(bytes, { level: 9 }).length;
}
const html = readFileSync(join(dist, 'index.html'));
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

// 2. A real server with 500 tasks.
function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'apps/cli/dist/main.js'), 'start'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server not ready in 120 s: ${err.slice(-2000)}`)), 120_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /ready at (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1') });
      }
    });
    child.on('exit', (code) => reject(new Error(`todo start exited ${code}: ${err.slice(-2000)}`)));
  });
}

async function call(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dataDir = mkdtempSync(join(tmpdir(), 'todo-bench-web-'));
let server;
let browser;
const times = [];
try {
  say('starting todo start (embedded PostgreSQL)');
  server = await startServer(dataDir);
  const { token } = await call(server.url, 'POST', '/api/auth/signup', null, {
    email: `bench${Date.now()}@example.org`,
    password: 'benchmark-password',
    timeZone: 'UTC',
  });
  say(`creating ${TASKS} tasks`);
  const priorities = ['none', 'low', 'medium', 'high', 'urgent'];
  for (let i = 0; i < TASKS; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => {
        const n = i + j;
        return call(server.url, 'POST', '/api/tasks', token, {
          title: `Benchmark task ${n} with a realistic title length`,
          priority: priorities[n % 5],
          tags: [`tag${n % 7}`],
          ...(n % 3 ? { due: { date: `2027-0${(n % 9) + 1}-1${n % 10}` } } : {}),
        });
      }),
    );
  }

  const executablePath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const host = new URL(server.url).hostname;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([
      { name: 'todo_session', value: token, domain: host, path: '/', httpOnly: true, sameSite: 'Strict' },
    ]);
    await context.addInitScript(`
      (() => {
        const check = () => {
          if (window.__tti !== undefined || document.querySelectorAll('li.task').length < ${TASKS}) return false;
          const rendered = performance.now();
          requestIdleCallback(() => { window.__tti = { rendered, idle: performance.now() }; });
          return true;
        };
        new MutationObserver((_, observer) => { if (check()) observer.disconnect(); })
          .observe(document, { childList: true, subtree: true });
      })();
    `);
    const page = await context.newPage();
    await page.goto(`${server.url}/all`);
    // Polled through the DevTools protocol: waitForFunction compiles its predicate in the page,
    // which the app's CSP (script-src 'self', no eval) rightly refuses. The time is the page's own.
    let t;
    for (const deadline = Date.now() + 60_000; (t = await page.evaluate('window.__tti')) === undefined;) {
      if (Date.now() > deadline) throw new Error('the list did not become interactive within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    times.push(t);
    say(`run ${run + 1}: 500 rows at ${t.rendered.toFixed(0)} ms, interactive at ${t.idle.toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const rendered = median(times.map((t) => t.rendered));
const tti = median(times.map((t) => t.idle));
const cores = (await import('node:os')).cpus().length;
const rows = [
  ['JavaScript bundle (raw / gzip)', `${kb(size.js[0])} / ${kb(size.js[1])}`],
  ['CSS (raw / gzip)', `${kb(size.css[0])} / ${kb(size.css[1])}`],
  ['index.html', kb(html.length)],
  ['total transferred (gzip)', kb(size.js[1] + size.css[1] + gzipSync(html).length)],
  [`${TASKS}-task list: all rows rendered (median of ${RUNS})`, `${rendered.toFixed(0)} ms`],
  [`${TASKS}-task list: time to interactive (median of ${RUNS})`, `${tti.toFixed(0)} ms`],
];
const w0 = Math.max('measure'.length, ...rows.map((r) => r[0].length));
const w1 = Math.max('value'.length, ...rows.map((r) => r[1].length));
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cores} cores), headless Chromium, loopback, embedded PostgreSQL storage; TTI = navigation start until the ${TASKS}th row is in the DOM and the main thread is idle.`,
  '',
  `| ${'measure'.padEnd(w0)} | ${'value'.padStart(w1)} |`,
  `| ${'-'.repeat(w0)} | ${'-'.repeat(w1 - 1)}: |`,
  ...rows.map(([a, b]) => `| ${a.padEnd(w0)} | ${b.padStart(w1)} |`),
  '',
].join('\n');
process.stdout.write(`${table}\n`);

const doc = join(root, 'docs/benchmarks.md');
if (existsSync(doc)) {
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- bench:web:start -->';
  const end = '<!-- bench:web:end -->';
  if (text.includes(start) && text.includes(end)) {
    writeFileSync(doc, `${text.slice(0, text.indexOf(start) + start.length)}\n\n${table}${text.slice(text.indexOf(end))}`);
    say('table written into docs/benchmarks.md');
  }
}
