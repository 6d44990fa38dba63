#!/usr/bin/env node
// `npm run soak -- --broker redis|kafka --minutes N --seed S [--replicas api,recurring,notifier,mailer] [--ops-per-second R]`:
// the replica chaos soak of issue #26 (e2e/soak/), full length. Provisions daprd and the Dapr
// scheduler as `npm test` does (scripts/infra), then runs e2e/dapr-soak.test.ts in its full
// mode — the same code as the short variant in `npm test`. Exits non-zero on any violation.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    broker: { type: 'string', default: 'redis' },
    minutes: { type: 'string', default: '30' },
    seed: { type: 'string', default: '26' },
    replicas: { type: 'string', default: '2,2,3,2' },
    'ops-per-second': { type: 'string', default: '3' },
    // Seconds between faults, uniformly in min-max.
    interval: { type: 'string', default: '20-40' },
    'result-file': { type: 'string' },
  },
});
if (!['redis', 'kafka'].includes(values.broker)) {
  process.stderr.write(`--broker must be redis or kafka, not ${values.broker}\n`);
  process.exit(2);
}

function infra(script, command) {
  const out = execFileSync('bash', [`scripts/infra/${script}`, command], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries([...out.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
}

const env = { ...process.env };
env.TEST_DATABASE_URL ??= infra('postgres.sh', 'start').DATABASE_URL;
if (!env.DAPRD_BIN || !env.DAPR_SCHEDULER_ADDR)
  Object.assign(env, infra('dapr.sh', 'build'), infra('dapr.sh', 'start-scheduler'));
Object.assign(env, {
  SOAK_BROKER: values.broker,
  SOAK_MINUTES: values.minutes,
  SOAK_SEED: values.seed,
  SOAK_REPLICAS: values.replicas,
  SOAK_OPS_PER_SECOND: values['ops-per-second'],
  SOAK_INTERVAL: values.interval,
  ...(values['result-file'] ? { SOAK_RESULT_FILE: values['result-file'] } : {}),
});
const result = spawnSync('npx', ['vitest', 'run', 'e2e/dapr-soak.test.ts'], { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
