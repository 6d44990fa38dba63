/**
 * Issue #26, item 3, bounded for `npm test`: the replica chaos soak (e2e/soak/soak.ts) for two
 * minutes of load per broker with fewer replicas (1 api, 2 recurring, 2 notifier, 1 mailer), a
 * fault every 20–30 s (at least 4, one of them the broker) and a fixed seed. Nothing acknowledged
 * may be lost and no effect may happen twice.
 *
 * `npm run soak` (scripts/soak.mjs) runs this same file as the full soak: it sets SOAK_BROKER,
 * SOAK_MINUTES, SOAK_SEED and SOAK_REPLICAS, and the replica counts are the default.
 */
import { describe, expect, it } from 'vitest';
import type { Broker } from '../packages/transport/test/dapr.sidecar.js';
import { FULL_REPLICAS, ROLES, type Replicas } from './soak/cluster.js';
import { runSoak, summarize, type SoakOptions } from './soak/soak.js';

const full = process.env.SOAK_BROKER !== undefined;

function replicas(): Replicas {
  if (!full) return { api: 1, recurring: 2, notifier: 2, mailer: 1 };
  const given = (process.env.SOAK_REPLICAS ?? '').split(',').filter(Boolean).map(Number);
  return Object.fromEntries(ROLES.map((role, i) => [role, given[i] ?? FULL_REPLICAS[role]])) as Replicas;
}

/** `min-max` in seconds → milliseconds. */
function interval(text: string): [number, number] {
  const [min, max] = text.split('-').map((s) => Number(s) * 1000);
  if (!(min! > 0 && max! >= min!)) throw new Error(`SOAK_INTERVAL must be min-max in seconds, not ${text}`);
  return [min!, max!];
}

const options = (broker: Broker): SoakOptions => ({
  broker,
  loadMs: full ? Number(process.env.SOAK_MINUTES ?? '30') * 60_000 : 120_000,
  seed: Number(process.env.SOAK_SEED ?? '26'),
  replicas: replicas(),
  opsPerSecond: Number(process.env.SOAK_OPS_PER_SECOND ?? '3'),
  chaosIntervalMs: full ? interval(process.env.SOAK_INTERVAL ?? '20-40') : [20_000, 30_000],
  // Long enough for what the inbound retry (4 minutes, e2e/soak/cluster.ts) is still carrying over.
  quiesceMs: full ? 360_000 : 120_000,
  log: (line) => process.stderr.write(`${line}\n`),
});

const brokers: Broker[] = full ? [process.env.SOAK_BROKER as Broker] : ['redis', 'kafka'];

describe.each(brokers)('replica chaos soak on %s', (broker) => {
  const soak = options(broker);
  it(
    `${(soak.loadMs / 60_000).toFixed(0)} min of mixed load while replicas, sidecars and the broker are killed: every effect exactly once`,
    async () => {
      const result = await runSoak(soak);
      const summary = summarize(result);
      process.stderr.write(`${summary}\n`);
      if (process.env.SOAK_RESULT_FILE) {
        const { appendFileSync } = await import('node:fs');
        appendFileSync(process.env.SOAK_RESULT_FILE, `${summary}\n\n`);
      }
      expect(result.facts.violations, summary).toEqual([]);
      expect(
        result.faults.filter((f) => f.error),
        summary,
      ).toEqual([]);
      expect(result.faults.length, summary).toBeGreaterThanOrEqual(full ? Math.floor(soak.loadMs / 40_000) : 4);
      expect(result.facts.dueReminders, summary).toBeGreaterThan(0);
      expect(result.facts.completions, summary).toBeGreaterThan(0);
    },
    soak.loadMs + soak.quiesceMs + 600_000,
  );
});
