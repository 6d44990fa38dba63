/**
 * Listens on one port with several sockets, so that connections opened all at once are taken in
 * at once.
 *
 * Node takes one new connection per listening socket per turn of its event loop (libuv accepts
 * one and waits to be told of the next). A turn of a busy server reads every connection that has
 * data waiting, which with hundreds of connections takes tens of milliseconds, more when the
 * machine is short of CPU: a flood of new connections then waits in the kernel's accept queue,
 * for seconds under bench:overload, before the server reads a byte of their requests, and no
 * load shedding can answer them. With `sockets` sockets bound to the same address and port
 * (SO_REUSEPORT: Linux spreads new connections over them), that many are taken per turn. Each
 * hands its connections to the app's one HTTP server, so timeouts, load shedding and closing
 * treat them all alike.
 *
 * Other systems (macOS, Windows) refuse or do not spread SO_REUSEPORT: there, one socket.
 */
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ListenOptions {
  host: string;
  port: number;
  /** Listening sockets per address (1: a plain listener). */
  sockets: number;
  /** Where SO_REUSEPORT spreads connections; `process.platform` by default. */
  platform?: NodeJS.Platform;
}

/** Starts `app` listening; resolves with its address, as `app.listen` does. */
export async function listen(app: FastifyInstance, opts: ListenOptions): Promise<string> {
  const sockets = (opts.platform ?? process.platform) === 'linux' ? opts.sockets : 1;
  if (sockets <= 1) return app.listen({ host: opts.host, port: opts.port });
  // Sockets sharing a port with SO_REUSEPORT let any later one of the same user join them: a
  // second server started on this port would silently get part of the connections instead of
  // failing. So the port is first taken alone — EADDRINUSE as ever if it is in use — then freed
  // for the group (a port of 0 is resolved here, once, for all of them).
  const port = await claimAlone(opts.host, opts.port);
  const extra: Server[] = [];
  // Closing: the shared sockets stop taking connections when the app's own does, and the app has
  // closed only once the connections they handed over have ended too (Fastify waits for those
  // of its own server alone; a request still in progress must not outlive the database).
  let drained: Promise<unknown>[] = [];
  app.addHook('preClose', async () => {
    drained = extra.map((server) => new Promise((resolve) => server.close(resolve)));
  });
  app.addHook('onClose', async () => {
    await Promise.all(drained);
  });
  const shared: FastifyListenOptions & { reusePort: boolean } = { host: opts.host, port, reusePort: true };
  const address = await app.listen(shared);
  const handOver = (socket: Socket) => app.server.emit('connection', socket);
  for (const bound of app.addresses()) {
    if (typeof bound === 'string') continue;
    for (let i = 1; i < sockets; i++) extra.push(await listenShared(bound, handOver));
  }
  return address;
}

async function claimAlone(host: string, port: number): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen({ host, port }, resolve));
  const claimed = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return claimed;
}

function listenShared(bound: AddressInfo, onConnection: (socket: Socket) => void): Promise<Server> {
  // The socket options node:http's own server listens with (half-open connections are its to end).
  const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  return new Promise((resolve, reject) =>
    server.once('error', reject).listen({ host: bound.address, port: bound.port, reusePort: true }, () => resolve(server)),
  );
}
