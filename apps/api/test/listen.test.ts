/**
 * The API port is listened on by several sockets (Linux): they all serve the one app, a second
 * server cannot join them by accident, and closing the app closes them all. How fast a flood of
 * connections is taken in is measured by bench:overload, not here.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../src/index.js';

/** Sockets in state LISTEN on `port` (any address), from the kernel's own table. */
function listeningSockets(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hex}`)) count++;
    }
  }
  return count;
}

const apps: FastifyInstance[] = [];
function app(): FastifyInstance {
  const created = Fastify();
  created.get('/which', async () => ({ served: true }));
  apps.push(created);
  return created;
}
const portOf = (address: string) => Number(new URL(address).port);

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe.runIf(process.platform === 'linux')('listening with several sockets', () => {
  it('binds that many sockets to the port, every one serving the app, and closes them with it', async () => {
    const server = app();
    const address = await listen(server, { host: '127.0.0.1', port: 0, sockets: 4 });
    const port = portOf(address);
    expect(listeningSockets(port)).toBe(4);

    // Fresh connections each (no keep-alive), so the kernel spreads them over the sockets.
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${address}/which`, { headers: { connection: 'close' } }).then((r) => r.json())),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, () => ({ served: true })));

    await server.close();
    expect(listeningSockets(port)).toBe(0);
  });

  it('closes only once a request in progress on a shared socket has been answered', async () => {
    const server = app();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let markHeld!: () => void;
    const holding = new Promise<void>((resolve) => (markHeld = resolve));
    let held = false;
    server.get('/held', async (request) => {
      // Node notes on each connection the listening socket that took it: hold the first request
      // that came through one of the shared sockets, not through the app's own server.
      const shared = (request.raw.socket as { _server?: unknown })._server !== server.server;
      if (!shared || held) return { held: false };
      held = true;
      markHeld();
      await released;
      return { held: true };
    });
    const address = await listen(server, { host: '127.0.0.1', port: 0, sockets: 4 });
    const answers: Array<Promise<{ held: boolean }>> = [];
    for (let i = 0; i < 200 && !held; i++) {
      const answer = fetch(`${address}/held`, { headers: { connection: 'close' } }).then(
        (r) => r.json() as Promise<{ held: boolean }>,
      );
      answers.push(answer);
      await Promise.race([answer, holding]);
    }
    await holding;

    let closed = false;
    const closing = server.close().then(() => (closed = true));
    // Every socket stops listening at once; the app is not closed while the request is in progress.
    for (let turn = 0; turn < 1000 && listeningSockets(portOf(address)) > 0; turn++) await new Promise(setImmediate);
    expect(listeningSockets(portOf(address))).toBe(0);
    for (let turn = 0; turn < 20; turn++) await new Promise(setImmediate);
    expect(closed).toBe(false);

    release();
    await closing;
    expect((await Promise.all(answers)).filter((a) => a.held)).toEqual([{ held: true }]);
  });

  it('refuses a port already in use, as a single listener would, instead of sharing it', async () => {
    const address = await listen(app(), { host: '127.0.0.1', port: 0, sockets: 4 });
    await expect(listen(app(), { host: '127.0.0.1', port: portOf(address), sockets: 4 })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    expect(listeningSockets(portOf(address))).toBe(4);
  });
});

describe('listening with one socket', () => {
  it('uses one where the system does not spread connections over shared sockets', async () => {
    const address = await listen(app(), { host: '127.0.0.1', port: 0, sockets: 4, platform: 'darwin' });
    expect((await fetch(`${address}/which`)).status).toBe(200);
    if (process.platform === 'linux') expect(listeningSockets(portOf(address))).toBe(1);
  });

  it('uses one when asked for one', async () => {
    const address = await listen(app(), { host: '127.0.0.1', port: 0, sockets: 1 });
    expect((await fetch(`${address}/which`)).status).toBe(200);
    if (process.platform === 'linux') expect(listeningSockets(portOf(address))).toBe(1);
  });
});
