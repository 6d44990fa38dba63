#!/usr/bin/env node
// `npm test`: typecheck, provision what the suites on disk need (scripts/infra), run every
// suite, and end with one line "N passed, N failed". Infrastructure that cannot be
// provisioned fails the run with the reason — suites never skip silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const step = (message) => process.stderr.write(`\n[test] ${message}\n`);

function infra(script, ...args) {
  const out = execFileSync('bash', [`scripts/infra/${script}`, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

const hasFiles = (dir, pattern) => existsSync(join(root, dir)) && readdirSync(join(root, dir)).some((f) => pattern.test(f));

step('type-checking (tsc -b, then tests with tsconfig.check.json)');
for (const args of [
  ['tsc', '-b'],
  ['tsc', '-p', 'tsconfig.check.json'],
]) {
  if (spawnSync('npx', args, { cwd: root, stdio: 'inherit' }).status !== 0) {
    process.stdout.write('\n0 passed, 1 failed\n');
    process.exit(1);
  }
}

const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  step('PostgreSQL (scripts/infra/postgres.sh)');
  env.TEST_DATABASE_URL = infra('postgres.sh', 'start').DATABASE_URL;
}
if (hasFiles('packages/transport/test', /^dapr\./) || hasFiles('e2e', /^dapr/) || hasFiles('e2e/deploy', /^dapr/)) {
  step('Redis, Kafka, daprd and the Dapr scheduler (scripts/infra) — the first daprd build takes ~15 min');
  env.TEST_REDIS_ADDR ??= infra('redis.sh', 'start').REDIS_ADDR;
  env.TEST_KAFKA_BROKERS ??= infra('kafka.sh', 'start').KAFKA_BROKERS;
  Object.assign(env, infra('dapr.sh', 'build'), infra('dapr.sh', 'start-scheduler'));
}
if (hasFiles('e2e/web', /\.test\.ts$/)) {
  step('Chromium (scripts/infra/chromium.sh)');
  Object.assign(env, infra('chromium.sh'));
}

if (hasFiles('e2e/deploy', /\.test\.ts$/)) {
  step('helm (scripts/infra/helm.sh) — built from its Go module the first time, ~3 min');
  Object.assign(env, infra('helm.sh', 'build'));
}

if (existsSync(join(root, 'e2e/schemathesis.test.ts'))) {
  step('Schemathesis in a virtualenv under .cache (scripts/infra/schemathesis.sh)');
  Object.assign(env, infra('schemathesis.sh'));
}

if (existsSync(join(root, 'e2e/caldav-clients.test.ts'))) {
  step('CalDAV clients (Python caldav) in a virtualenv under .cache (scripts/infra/caldav-clients.sh)');
  Object.assign(env, infra('caldav-clients.sh'));
}

step('running test suites (vitest)');
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
