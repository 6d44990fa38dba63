// Shared by the benchmark scripts: a PostgreSQL server from scripts/infra, fresh databases on
// it, and writing a result table between markers in docs/benchmarks.md.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** The URL of a running PostgreSQL (started by scripts/infra/postgres.sh when needed). */
export function postgresUrl() {
  const out = execFileSync('bash', ['scripts/infra/postgres.sh', 'start'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return /DATABASE_URL=(\S+)/.exec(out)[1];
}

const DURABILITY = ['fsync', 'synchronous_commit', 'full_page_writes'];

/**
 * The test server runs without fsync (scripts/infra/postgres.sh), which no production server
 * does and the embedded server does not either: for a fair comparison the bench turns
 * durability on for its run (all three settings take effect on reload) and puts it back after.
 */
export async function durable(baseUrl) {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const apply = async (value) => {
    for (const setting of DURABILITY)
      await admin.query(value ? `alter system set ${setting} = on` : `alter system reset ${setting}`);
    await admin.query('select pg_reload_conf()');
  };
  await apply(true);
  return async () => {
    await apply(false);
    await admin.end();
  };
}

/** An empty database `name` on that server (dropped first if it exists); returns its URL. */
export async function freshDatabase(baseUrl, name) {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** CPU time (user + system, ms; Linux clock ticks of 10 ms) process `pid` has used, or 0 where /proc is missing. */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The same, summed over PostgreSQL's server processes on this machine (the postmaster and every backend). */
export function postgresCpuMs() {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (command.startsWith('postgres') || command.includes('/bin/postgres\0')) total += cpuMsOf(pid);
  }
  return total;
}

/** Replaces what stands between `<!-- bench:NAME:start -->` and `:end -->` in docs/benchmarks.md. */
export function writeSection(name, table) {
  const file = join(root, 'docs/benchmarks.md');
  const [start, end] = [`<!-- bench:${name}:start -->`, `<!-- bench:${name}:end -->`];
  const doc = readFileSync(file, 'utf8');
  writeFileSync(file, doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
}

/**
 * fetch as a well-behaved client: a request the server shed (503) is sent again after the
 * `Retry-After` it was given, up to `attempts` times.
 */
export async function fetchRetrying(url, init, attempts = 20) {
  const res = await fetch(url, init);
  if (res.status !== 503 || attempts <= 1) return res;
  await res.arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  return fetchRetrying(url, init, attempts - 1);
}

/**
 * `todo start` from the build on a free port, with `env` on top of this process's; resolves
 * with the child and its URL once it prints "ready at", rejects with its last output if it exits.
 * `onSpawn` gets the child at once, for whoever watches it while it starts.
 */
export function startTodo(env = {}, onSpawn = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'apps/cli/dist/main.js'), 'start'], {
      cwd: root,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    onSpawn(child);
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /ready at (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1].replace('localhost', '127.0.0.1') });
    });
    child.on('exit', (code) => reject(new Error(`todo start exited ${code}: ${err.slice(-2000)}`)));
  });
}
