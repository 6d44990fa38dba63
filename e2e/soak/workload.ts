/**
 * The soak's mixed workload over the REST API, seeded: creates (plain, with a reminder due a few
 * seconds to ~2 minutes ahead, recurring), edits, and completions of recurring tasks, spread
 * over the api replicas. Every request's outcome goes into the ledger: what was acknowledged
 * (2xx) must be in the database afterwards; what failed (a replica killed mid-request) may or
 * may not be, so the ledger keeps what such a write would have made too.
 *
 * Every title starts with a token (`[t17]`) that edits keep, so a reminder email is found by
 * its subject whatever the task was renamed to.
 */
import type { Replica } from './cluster.js';
import type { Random } from './random.js';

export type OpKind = 'create' | 'createReminder' | 'createRecurring' | 'edit' | 'complete';

export interface TaskRecord {
  id: string;
  token: string;
  kind: 'plain' | 'reminder' | 'recurring';
  /** The owner's session token: edits and completions go out as the owner. */
  owner: string;
  /** Titles the task may have now: the last acknowledged one and any later unacknowledged tries. */
  titles: string[];
  /** For reminder tasks: when it fires. */
  fireAt?: number;
  /** For recurring tasks: the completion was acknowledged / was tried without an answer. */
  completed?: 'acked' | 'unknown';
}

export interface Ledger {
  tasks: Map<string, TaskRecord>;
  acked: Record<OpKind, number>;
  failed: Record<OpKind, number>;
  /** Error messages of failed requests, by message, for the summary. */
  errors: Map<string, number>;
}

export interface WorkloadOptions {
  /** Operations started per second across all users. */
  opsPerSecond: number;
  /** Requests in flight at most; beyond it an operation waits its turn. */
  maxInFlight: number;
  /** Reminders fire no later than this (epoch ms): all are due before the load stops. */
  lastFireAt: number;
}

export interface User {
  token: string;
  email: string;
}

const WEIGHTS: Record<OpKind, number> = { create: 20, createReminder: 25, createRecurring: 15, edit: 25, complete: 15 };
const REQUEST_TIMEOUT_MS = 20_000;

export function emptyLedger(): Ledger {
  const zero = () => ({ create: 0, createReminder: 0, createRecurring: 0, edit: 0, complete: 0 });
  return { tasks: new Map(), acked: zero(), failed: zero(), errors: new Map() };
}

class RequestFailed extends Error {}

async function call(replica: Replica, method: string, path: string, token: string, body?: unknown): Promise<any> {
  let res: Response;
  try {
    res = await fetch(`${replica.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new RequestFailed(`${method} ${path.replace(/[0-9a-f-]{36}/, ':id')}: ${(error as Error).name}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new RequestFailed(`${method} ${path.replace(/[0-9a-f-]{36}/, ':id')}: ${res.status} ${text.slice(0, 120)}`);
  return text ? JSON.parse(text) : null;
}

export class Workload {
  private seq = 0;
  private inFlight = 0;
  private readonly busy = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly api: Replica[],
    private readonly users: User[],
    private readonly random: Random,
    private readonly options: WorkloadOptions,
    readonly ledger: Ledger,
  ) {}

  /** Starts operations at the configured pace until `stop()`; resolves when the last one has answered. */
  async run(): Promise<void> {
    const gap = 1000 / this.options.opsPerSecond;
    let next = Date.now();
    while (!this.stopped) {
      next += gap;
      if (this.inFlight < this.options.maxInFlight) {
        const op = this.operation();
        if (op) {
          const p = op.finally(() => this.pending.delete(p));
          this.pending.add(p);
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    await Promise.all([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
  }

  private operation(): Promise<void> | undefined {
    const kind = this.random.weighted(WEIGHTS);
    const user = this.random.pick(this.users);
    // The replica the request goes to: a live one, as a load balancer would pick (or any, when all are down).
    const live = this.api.filter((r) => r.up);
    const replica = this.random.pick(live.length ? live : this.api);
    const tasks = [...this.ledger.tasks.values()].filter((t) => !this.busy.has(t.id));
    if (kind === 'edit') {
      const task = tasks.length ? this.random.pick(tasks) : undefined;
      return task && this.edit(replica, task);
    }
    if (kind === 'complete') {
      const open = tasks.filter((t) => t.kind === 'recurring' && !t.completed);
      const task = open.length ? this.random.pick(open) : undefined;
      return task && this.complete(replica, task);
    }
    return this.create(replica, user, kind);
  }

  private async track(kind: OpKind, work: () => Promise<void>): Promise<void> {
    this.inFlight += 1;
    try {
      await work();
      this.ledger.acked[kind] += 1;
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      this.ledger.failed[kind] += 1;
      this.ledger.errors.set(error.message, (this.ledger.errors.get(error.message) ?? 0) + 1);
    } finally {
      this.inFlight -= 1;
    }
  }

  private create(replica: Replica, user: User, wanted: OpKind): Promise<void> {
    // Near the end of the load a reminder could no longer fire before it stops: a plain task instead.
    const kind = wanted === 'createReminder' && this.options.lastFireAt - Date.now() < 3_000 ? 'create' : wanted;
    const token = `[t${++this.seq}]`;
    const title = `${token} soak ${kind}`;
    const body: Record<string, unknown> = { title };
    let fireAt: number | undefined;
    if (kind === 'createReminder') {
      const latest = Math.min(Date.now() + 120_000, this.options.lastFireAt);
      fireAt = Math.max(Date.now() + 3_000, Date.now() + this.random.next() * (latest - Date.now()));
      body.reminders = [{ type: 'absolute', at: new Date(fireAt).toISOString() }];
    }
    if (kind === 'createRecurring') Object.assign(body, { due: { date: '2026-12-01' }, recurrence: { rule: 'daily' } });
    return this.track(kind, async () => {
      const task = await call(replica, 'POST', '/api/tasks', user.token, body);
      this.ledger.tasks.set(task.id, {
        id: task.id,
        token,
        kind: kind === 'createReminder' ? 'reminder' : kind === 'createRecurring' ? 'recurring' : 'plain',
        titles: [title],
        owner: user.token,
        ...(fireAt === undefined ? {} : { fireAt: new Date(task.reminders[0].at).getTime() }),
      });
    });
  }

  private edit(replica: Replica, task: TaskRecord): Promise<void> {
    const title = `${task.token} soak edited ${this.random.between(1, 1_000_000)}`;
    this.busy.add(task.id);
    task.titles.push(title);
    return this.track('edit', async () => {
      await call(replica, 'PATCH', `/api/tasks/${task.id}`, task.owner, { title });
      task.titles = [title];
    }).finally(() => this.busy.delete(task.id));
  }

  private complete(replica: Replica, task: TaskRecord): Promise<void> {
    this.busy.add(task.id);
    task.completed = 'unknown';
    return this.track('complete', async () => {
      await call(replica, 'POST', `/api/tasks/${task.id}/complete`, task.owner);
      task.completed = 'acked';
    }).finally(() => this.busy.delete(task.id));
  }
}
