/**
 * The chaos loop: every 20–40 s (seeded) kill -9 a random replica's app or its daprd, keep it
 * down for 1–5 s, start it again on the same ports; once, halfway through, crash the broker and
 * start it again with its data. One fault at a time, so each is attributable in the timeline.
 */
import { sleep } from '../../packages/transport/test/dapr.sidecar.js';
import type { Cluster } from './cluster.js';
import type { Random } from './random.js';

export interface ChaosOptions {
  /** Milliseconds between faults: uniformly in [min, max]. */
  intervalMs: [number, number];
  /** When the one broker restart happens, in ms from the start of the loop. */
  brokerAtMs: number;
  /** The loop stops starting faults after this long. */
  durationMs: number;
}

export interface ChaosRecord {
  /** Seconds since the soak's load began. */
  at: number;
  target: string;
  /** kill → running again, in ms. */
  outageMs: number;
  error?: string;
}

export interface ChaosRun {
  records: ChaosRecord[];
  done: Promise<void>;
  /** Asks the loop to stop after the fault in progress. */
  stop(): void;
}

export function runChaos(
  cluster: Cluster,
  random: Random,
  options: ChaosOptions,
  log: (line: string) => void,
  t0: number,
): ChaosRun {
  const records: ChaosRecord[] = [];
  let stopped = false;
  let brokerDone = false;
  const since = () => (Date.now() - t0) / 1000;

  async function fault(): Promise<void> {
    const elapsed = Date.now() - t0;
    const downMs = random.between(1_000, 5_000);
    const at = since();
    let target: string;
    let act: () => Promise<void>;
    if (!brokerDone && elapsed >= options.brokerAtMs) {
      brokerDone = true;
      target = `broker (${cluster.broker.kind})`;
      act = () => cluster.broker.crashAndRestart(downMs);
    } else {
      const replica = random.pick(cluster.replicas);
      const sidecar = random.next() < 0.5;
      target = `${replica.name} ${sidecar ? 'daprd' : 'app'}`;
      act = sidecar
        ? async () => (await replica.killSidecar(), await sleep(downMs), await restarting(() => replica.restartSidecar()))
        : async () => (await replica.killApp(), await sleep(downMs), await restarting(() => replica.restartApp()));
    }
    log(`[chaos ${at.toFixed(1)}s] kill -9 ${target}, down ${downMs} ms`);
    const started = Date.now();
    try {
      await act();
      records.push({ at, target, outageMs: Date.now() - started });
      log(`[chaos ${since().toFixed(1)}s] ${target} running again after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      records.push({ at, target, outageMs: Date.now() - started, error: message });
      log(`[chaos ${since().toFixed(1)}s] ${target} did not come back: ${message}`);
    }
  }

  const done = (async () => {
    // Faults are spaced from the start of one to the start of the next, so a slow restart on a
    // loaded machine does not thin them out.
    let next = t0 + random.between(options.intervalMs[0], options.intervalMs[1]);
    for (;;) {
      // The broker restart is due before the next replica fault would be: take it at its time.
      const brokerAt = brokerDone ? Infinity : t0 + options.brokerAtMs;
      const at = Math.min(next, brokerAt);
      while (!stopped && Date.now() < at) await sleep(Math.min(1_000, at - Date.now()));
      if (stopped || Date.now() - t0 >= options.durationMs) return;
      if (at === next) next += random.between(options.intervalMs[0], options.intervalMs[1]);
      await fault();
    }
  })();
  return {
    records,
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/** A restart that fails (a port not yet released, a slow start on a loaded machine) is tried twice more. */
async function restarting(start: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(2_000);
    }
  }
}
