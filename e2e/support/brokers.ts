/**
 * A Redis or Kafka broker of the test's own, on free loopback ports with its own data dir, that
 * can crash (SIGKILL) and come back on the same ports with its data — without disturbing the
 * shared brokers other test files use. Redis persists every write (`appendfsync always`); Kafka
 * keeps `log.dirs` (formatted once, KRaft single node) and runs from the jars scripts/infra/kafka.sh
 * caches.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../packages/transport/test/dapr.sidecar.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface PrivateBroker {
  kind: 'redis' | 'kafka';
  /** `127.0.0.1:<port>`, the same across restarts. */
  address: string;
  /** SIGKILLs the broker, waits `downMs`, starts it again on the same ports with the same data. */
  crashAndRestart(downMs?: number): Promise<void>;
  /** Stops the broker and deletes its data. */
  stop(): Promise<void>;
  /** The last lines the broker wrote (for failure messages). */
  output(): string;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
}

function spawnLogged(command: string, args: string[], cwd: string, log: { text: string }): Spawned {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const keep = (chunk: Buffer) => {
    log.text = (log.text + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  return { child, exited };
}

async function kill({ child, exited }: Spawned, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Sends `request` to `port` and resolves with the first bytes answered, or undefined. */
function probe(port: number, request: Buffer, timeoutMs = 1_000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (value: Buffer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write(request));
    socket.once('data', (data) => done(data));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, spawned: Spawned, log: { text: string }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (spawned.child.exitCode !== null || spawned.child.signalCode !== null)
      throw new Error(`${what} exited during start:\n${log.text}`);
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      throw new Error(`${what} not ready within ${timeoutMs} ms:\n${log.text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** redis-server (on PATH; `bash scripts/infra/redis.sh start` installs it) with every write fsynced. */
/** A started broker process that can be crashed and started again on its port and data. */
async function restartable(
  kind: PrivateBroker['kind'],
  port: number,
  dir: string,
  log: { text: string },
  launch: () => Promise<Spawned>,
): Promise<PrivateBroker> {
  let current = await launch().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    kind,
    address: `127.0.0.1:${port}`,
    crashAndRestart: async (downMs = 0) => {
      await kill(current, 'SIGKILL');
      await new Promise((r) => setTimeout(r, downMs));
      current = await launch();
    },
    stop: async () => {
      await kill(current, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => log.text,
  };
}

export async function startPrivateRedis(): Promise<PrivateBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chaos-redis-'));
  const log = { text: '' };
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
    '--protected-mode',
    'no',
  ];
  const ping = async () => (await probe(port, Buffer.from('PING\r\n')))?.toString().startsWith('+PONG') ?? false;
  const launch = async (): Promise<Spawned> => {
    let spawned: Spawned;
    try {
      spawned = spawnLogged('redis-server', args, dir, log);
      await new Promise<void>((resolve, reject) => {
        spawned.child.once('spawn', resolve);
        spawned.child.once('error', reject);
      });
    } catch (error) {
      throw new Error(
        `cannot run redis-server (${(error as Error).message}): install it with \`bash scripts/infra/redis.sh start\``,
      );
    }
    await waitFor(`redis-server on 127.0.0.1:${port}`, ping, 20_000, spawned, log);
    return spawned;
  };
  return restartable('redis', port, dir, log, launch);
}

/** Where scripts/infra/kafka.sh keeps the broker jars (fetched with Maven the first time). */
async function kafkaLibs(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [join(root, 'scripts/infra/kafka.sh'), 'fetch'], {
      cwd: root,
      timeout: 600_000,
    });
    const libs = /^KAFKA_LIBS=(.+)$/m.exec(stdout)?.[1];
    if (!libs) throw new Error(`no KAFKA_LIBS line in: ${stdout}`);
    return libs;
  } catch (error) {
    throw new Error(
      `cannot get the Kafka jars: run \`bash scripts/infra/kafka.sh fetch\` (needs Java 17+ and Maven): ${(error as Error).message}`,
    );
  }
}

/** A Kafka ApiVersions v0 request; any well-formed answer means the broker serves requests. */
function apiVersionsRequest(): Buffer {
  const clientId = Buffer.from('chaos-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2);
  body.writeInt32BE(7, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A single-node KRaft broker (broker + controller) from the cached jars; Java 17+. */
export async function startPrivateKafka(): Promise<PrivateBroker> {
  const libs = await kafkaLibs();
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'chaos-kafka-'));
  const log = { text: '' };
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      // As scripts/infra/kafka.sh: several partitions, so more than one delivery is in flight when something dies.
      'num.partitions=4',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'auto.create.topics.enable=true',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'broker.heartbeat.interval.ms=500',
      'broker.session.timeout.ms=2000',
      '',
    ].join('\n'),
  );
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(
    log4j,
    [
      'status = error',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.out.ref = STDOUT',
      '',
    ].join('\n'),
  );
  const java = (main: string, ...args: string[]) => [
    '-Xmx256m',
    '-Xms128m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${libs}/*`,
    main,
    ...args,
  ];
  // What `kafka-storage.sh random-uuid` prints; never starting with '-', which the tool would read as an option.
  let clusterId: string;
  do clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-'));
  const format = spawnLogged('java', java('kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties), dir, log);
  await format.exited;
  if (format.child.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka storage format failed:\n${log.text}`);
  }
  const request = apiVersionsRequest();
  const launch = async (): Promise<Spawned> => {
    const spawned = spawnLogged('java', java('kafka.Kafka', properties), dir, log);
    await waitFor(`kafka on 127.0.0.1:${port}`, async () => (await probe(port, request)) !== undefined, 90_000, spawned, log);
    return spawned;
  };
  return restartable('kafka', port, dir, log, launch);
}
