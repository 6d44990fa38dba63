/** Runs `todo start` as a real child process, as a user would, and kills it the hard way. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}/apps/cli/dist/main.js`;

export interface ServerProcess {
  url: string;
  /** Prometheus `/metrics`, served on a port of its own. */
  metricsUrl: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      // These tests run on a loaded machine, where shedding would fail them at random; it has
      // tests of its own (apps/api/test/overload.test.ts) and a benchmark (bench:overload).
      MAX_QUEUE_MS: '0',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`todo start did not get ready in ${timeoutMs} ms:\n${log}`)), timeoutMs);
    child.stderr!.on('data', (d) => {
      log += d;
      const m = /ready at (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.on('exit', (code) => reject(new Error(`todo start exited with ${code}:\n${log}`)));
  });
  const metricsUrl = /metrics at (http:\/\/\S+)/.exec(log)?.[1]?.replace('localhost', '127.0.0.1') ?? '';
  return {
    url,
    metricsUrl,
    child,
    output: () => log,
    /** Sends `signal`; like a supervisor, follows a SIGTERM that is not obeyed within 5 s with SIGKILL. */
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(escalate);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

/** Polls until `check` holds or the deadline passes — for outcomes that arrive on real timers. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function api(base: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : null,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
