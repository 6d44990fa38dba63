/**
 * How administrative commands reach the embedded server that holds the data folder. Only that
 * process may open the database (data-dir-lock.ts), so `todo backup` and `todo user create`
 * ask it, over a Unix socket inside the data folder. The socket is readable by the folder's
 * owner only: whoever can use it could read and write the database files anyway, so it needs
 * no login of its own.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Config } from '@todo/config';
import { isDomainError, SignUp } from '@todo/domain';
import { liveLockHolder } from './data-dir-lock.js';

// Not `import … from 'node:http'`: an ES import of it reads every export, and its `WebSocket`
// getter loads Node's bundled fetch/WebSocket client (~2.5 MiB of heap) that this never uses.
const { createServer, request } = process.getBuiltinModule('node:http');

export const SOCKET_FILE = 'todo.sock';
/** Unix socket paths are limited to about 108 bytes; a deeper DATA_DIR gets no socket. */
const MAX_SOCKET_PATH = 100;

export interface ControlHandlers {
  /** Writes a backup to `output` and ends it (`writeBackup`). */
  backup(output: Writable): Promise<unknown>;
  createUser(input: SignUp, admin: boolean): Promise<{ id: string; email: string; isAdmin: boolean }>;
}

export interface ControlSocket {
  close(): Promise<void>;
}

const socketPath = (dataDir: string) => join(resolve(dataDir), SOCKET_FILE);

/** Serves the CLI's requests while the server runs; `undefined` when the path is too long for a socket. */
export async function listenControl(
  dataDir: string,
  handlers: ControlHandlers,
  logger: Logger,
): Promise<ControlSocket | undefined> {
  const path = socketPath(dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    logger.warn(
      { path },
      'data folder path too long for the control socket: `todo backup` and `todo user create` need the server stopped',
    );
    return undefined;
  }
  // This process holds the folder's lock: a socket file left here is a dead server's.
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    void handle(req, res, handlers).catch((error: unknown) => {
      const status = isDomainError(error) ? error.status : 500;
      if (status === 500) logger.error({ err: error }, 'control request failed');
      // A backup that fails once its bytes flow: the reply is cut off, and the CLI keeps no file.
      if (res.headersSent) return void res.destroy();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (error as Error).message }));
    });
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(path, done));
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        rmSync(path, { force: true });
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, handlers: ControlHandlers): Promise<void> {
  if (req.method === 'POST' && req.url === '/backup') {
    // Streamed as it is written, so the server holds no more of it than gzip's window. The
    // status waits for the first bytes: a backup that cannot start still answers its reason.
    const body = new PassThrough();
    const written = handlers.backup(body);
    await Promise.race([once(body, 'readable'), written]);
    res.writeHead(200, { 'content-type': 'application/gzip' });
    await Promise.all([pipeline(body, res), written]);
    return;
  }
  if (req.method === 'POST' && req.url === '/users') {
    const { admin, ...input } = JSON.parse(await readBody(req)) as { admin?: boolean };
    const user = await handlers.createUser(SignUp.parse(input), admin === true);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(user));
    return;
  }
  res.writeHead(404).end();
}

const readBody = async (req: IncomingMessage): Promise<string> => (await readAll(req)).toString('utf8');

/** Whether an embedded server holds the data folder and listens for the CLI. */
export const serverHolds = (config: Readonly<Config>): boolean =>
  !config.databaseUrl && liveLockHolder(config.dataDir)?.command === 'start' && existsSync(socketPath(config.dataDir));

/** Sends one request to the server holding `dataDir`; throws its message on failure. */
export async function callControl(dataDir: string, path: string, body?: unknown): Promise<Buffer> {
  return readAll(await requestControl(dataDir, path, body));
}

/** Sends one request and pipes the answer into `output` (ended when done); fails if the server stops midway. */
export async function streamControl(dataDir: string, path: string, output: Writable): Promise<void> {
  await pipeline(await requestControl(dataDir, path), output);
}

function requestControl(dataDir: string, path: string, body?: unknown): Promise<IncomingMessage> {
  return new Promise((done, fail) => {
    const req = request(
      { socketPath: socketPath(dataDir), path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        if ((res.statusCode ?? 500) < 300) return done(res);
        void readAll(res).then((reply) => {
          let message = `the server answered ${res.statusCode}`;
          try {
            message = (JSON.parse(reply.toString('utf8')) as { message: string }).message;
          } catch {
            // not JSON: keep the status
          }
          fail(new Error(message));
        }, fail);
      },
    );
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const readAll = async (res: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
