/**
 * When the soak finds a violation: what is needed to say what happened, written to a directory
 * before the cluster and the database go — every replica's app log and daprd log, the broker's
 * log, the chaos timeline, and for each reminder or task named in a violation its rows in
 * reminder_emissions, notifications and the outbox.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ChaosRecord } from './chaos.js';
import type { Cluster } from './cluster.js';

export async function writeDiagnosis(
  cluster: Cluster,
  databaseUrl: string,
  violations: string[],
  faults: ChaosRecord[],
  t0: number,
): Promise<string> {
  const dir = join(tmpdir(), `soak-diagnosis-${cluster.broker.kind}-${new Date(t0).toISOString().replace(/[:.]/g, '')}`);
  mkdirSync(dir, { recursive: true });
  for (const replica of cluster.replicas) {
    writeFileSync(join(dir, `${replica.name}.app.log`), replica.output());
    writeFileSync(join(dir, `${replica.name}.daprd.log`), replica.sidecar.output);
  }
  writeFileSync(join(dir, 'broker.log'), cluster.broker.output());
  writeFileSync(
    join(dir, 'timeline.txt'),
    `load began ${new Date(t0).toISOString()}\n` +
      faults
        .map(
          (f) =>
            `${new Date(t0 + f.at * 1000).toISOString()} +${f.at.toFixed(1)}s ${f.target} (out ${f.outageMs} ms)${f.error ? ` ${f.error}` : ''}`,
        )
        .join('\n') +
      `\n\n${violations.join('\n')}\n`,
  );
  const ids = [...new Set([...violations.join('\n').matchAll(/[0-9a-f]{8}-[0-9a-f-]{27}/g)].map((m) => m[0]))].slice(0, 40);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const lines: string[] = [];
    for (const id of ids) {
      const q = async (label: string, sql: string) =>
        lines.push(`${label}: ${JSON.stringify((await client.query(sql, [id])).rows)}`);
      lines.push(`--- ${id}`);
      await q(
        'reminder',
        'select r.*, t.title, t.completed_at from reminders r join tasks t on t.id = r.task_id where r.id = $1::uuid',
      );
      await q('emissions', 'select * from reminder_emissions where reminder_id = $1::uuid');
      await q('notifications', 'select id, fire_at, created_at from notifications where reminder_id = $1::uuid');
      await q(
        'outbox',
        "select id, topic, type, created_at, published_at, attempts, last_error from outbox where event->'data'->>'reminderId' = $1 or event->'data'->'task'->>'id' = $1 or partition_key = $1 order by created_at",
      );
    }
    const topics = await client.query(
      'select topic, type, count(*)::int as n, max(published_at) as last_published from outbox group by topic, type order by topic, type',
    );
    lines.push(`--- outbox by topic: ${JSON.stringify(topics.rows)}`);
    writeFileSync(join(dir, 'rows.txt'), `${lines.join('\n')}\n`);
  } finally {
    await client.end();
  }
  return dir;
}
