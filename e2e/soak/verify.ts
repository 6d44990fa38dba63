/**
 * The soak's verdict, by SQL and by the SMTP server: every acknowledged write present, every due
 * reminder delivered exactly once (in-app notification row and email), every completed
 * occurrence with exactly one next occurrence, no dead letters, the outbox drained.
 */
import pg from 'pg';
import type { SmtpCapture } from '@todo/testing';
import type { Ledger } from './workload.js';

export interface Facts {
  /** Reminders due by the cutoff, across every task in the database (acknowledged or not). */
  dueReminders: number;
  notifications: number;
  emails: number;
  /** Completed occurrences of recurring tasks, and how many of them have their next occurrence. */
  completions: number;
  nextOccurrences: number;
  deadLetters: number;
  unpublished: number;
  /** p50 / max of notification created_at − fire_at, in ms. */
  notificationLateness: [number, number];
  /** p50 / max of the email's arrival − fire_at, in ms. */
  emailLateness: [number, number];
  violations: string[];
}

const TOKEN = /^\[t\d+\]/;

const quantiles = (values: number[]): [number, number] => {
  if (!values.length) return [0, 0];
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 2)]!, sorted.at(-1)!];
};

/** Gathers the facts and lists every violation (at most 20 lines per kind, with ids). */
export async function inspect(databaseUrl: string, smtp: SmtpCapture, ledger: Ledger, cutoff: Date): Promise<Facts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const violations: string[] = [];
    const report = (kind: string, lines: string[]) => {
      for (const line of lines.slice(0, 20)) violations.push(`${kind}: ${line}`);
      if (lines.length > 20) violations.push(`${kind}: … and ${lines.length - 20} more`);
    };

    const ids = [...ledger.tasks.keys()];
    const rows = new Map(
      (
        await client.query<{ id: string; title: string; completed: boolean; reminders: number }>(
          `select t.id, t.title, t.completed_at is not null as completed,
                  (select count(*)::int from reminders r where r.task_id = t.id) as reminders
             from tasks t where t.id = any($1::uuid[])`,
          [ids],
        )
      ).rows.map((r) => [r.id, r]),
    );
    const lost: string[] = [];
    for (const task of ledger.tasks.values()) {
      const row = rows.get(task.id);
      if (!row) lost.push(`task ${task.id} ${task.token} acknowledged, not in the database`);
      else if (!task.titles.includes(row.title))
        lost.push(`task ${task.id}: title "${row.title}", acknowledged ${task.titles.join(' / ')}`);
      else if (task.completed === 'acked' && !row.completed) lost.push(`task ${task.id}: completion acknowledged, not completed`);
      else if (task.kind === 'reminder' && row.reminders !== 1)
        lost.push(`task ${task.id}: ${row.reminders} reminders, 1 acknowledged`);
    }
    report('lost write', lost);

    const due = (
      await client.query<{ id: string; title: string; fire_at: Date; notifications: number; first_at: Date | null }>(
        `select r.id, t.title, r.at as fire_at, count(n.id)::int as notifications, min(n.created_at) as first_at
           from reminders r join tasks t on t.id = r.task_id left join notifications n on n.reminder_id = r.id
          where r.at <= $1 group by r.id, t.title, r.at`,
        [cutoff],
      )
    ).rows;
    const mails = new Map<string, Date[]>();
    for (const mail of smtp.messages) {
      const token = /\[t\d+\]/.exec(mail.subject)?.[0];
      if (token) mails.set(token, [...(mails.get(token) ?? []), mail.receivedAt]);
    }
    const notificationLate: number[] = [];
    const emailLate: number[] = [];
    const reminderFaults: string[] = [];
    const dueTokens = new Set<string>();
    for (const r of due) {
      const token = TOKEN.exec(r.title)?.[0] ?? '?';
      dueTokens.add(token);
      const emails = mails.get(token) ?? [];
      if (r.notifications !== 1 || emails.length !== 1)
        reminderFaults.push(
          `reminder ${r.id} ${token} due ${r.fire_at.toISOString()}: ${r.notifications} notifications, ${emails.length} emails`,
        );
      if (r.first_at) notificationLate.push(r.first_at.getTime() - r.fire_at.getTime());
      if (emails[0]) emailLate.push(emails[0].getTime() - r.fire_at.getTime());
    }
    for (const [token, arrivals] of mails)
      if (!dueTokens.has(token)) reminderFaults.push(`${arrivals.length} emails for ${token}, which has no due reminder`);
    report('reminder', reminderFaults);

    const completed = (
      await client.query<{ id: string; next: number }>(
        `select t.id, (select count(*)::int from tasks n where n.series_id = coalesce(t.series_id, t.id)
                        and n.occurrence_index = coalesce(t.occurrence_index, 0) + 1) as next
           from tasks t where t.recurrence_rule is not null and t.completed_at is not null`,
      )
    ).rows;
    report(
      'occurrence',
      completed.filter((c) => c.next !== 1).map((c) => `completed ${c.id} has ${c.next} next occurrences`),
    );
    const one = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    const strays = await one('select count(*) as n from tasks where occurrence_index > 1');
    if (strays) violations.push(`occurrence: ${strays} occurrences beyond the first next one (nobody completed those)`);
    const deadLetters = (
      await client.query<{ topic: string; event_type: string; event_id: string; reason: string }>(
        'select topic, event_type, event_id, reason from dead_letters order by created_at',
      )
    ).rows;
    report(
      'dead letter',
      deadLetters.map((d) => `${d.topic} ${d.event_type} ${d.event_id}: ${d.reason.slice(0, 160)}`),
    );
    const unpublished = await one('select count(*) as n from outbox where published_at is null');
    if (unpublished) violations.push(`outbox: ${unpublished} rows unpublished`);

    return {
      dueReminders: due.length,
      notifications: due.reduce((sum, r) => sum + r.notifications, 0),
      emails: due.reduce((sum, r) => sum + (mails.get(TOKEN.exec(r.title)?.[0] ?? '?')?.length ?? 0), 0),
      completions: completed.length,
      nextOccurrences: completed.filter((c) => c.next >= 1).length,
      deadLetters: deadLetters.length,
      unpublished,
      notificationLateness: quantiles(notificationLate),
      emailLateness: quantiles(emailLate),
      violations,
    };
  } finally {
    await client.end();
  }
}

/** Whether everything owed has arrived at least once — the effects' quiescence (duplicates are judged after). */
export const settled = (f: Facts): boolean =>
  f.notifications >= f.dueReminders &&
  f.emails >= f.dueReminders &&
  f.nextOccurrences === f.completions &&
  f.unpublished === 0 &&
  !f.violations.some((v) => v.startsWith('reminder') && / 0 (notifications|emails)/.test(v));
