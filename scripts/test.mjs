#!/usr/bin/env node
// `npm test`: typecheck, provision what the suites need (scripts/infra), run every suite,
// and end with one line "N passed, N failed". Infrastructure that cannot be provisioned fails
// the run with the reason — suites never skip silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const step = (message) => process.stderr.write(`\n[test] ${message}\n`);

function provision(script) {
  const out = execFileSync('bash', [`scripts/infra/${script}`, 'start'], {
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

step('type-checking (tsc -b)');
const tsc = spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(1);
}

const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  step('starting PostgreSQL (scripts/infra/postgres.sh)');
  env.TEST_DATABASE_URL = provision('postgres.sh').DATABASE_URL;
}
step(`PostgreSQL for tests: ${env.TEST_DATABASE_URL}`);

step('running test suites (vitest)');
const args = ['vitest', 'run', ...process.argv.slice(2)];
const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
