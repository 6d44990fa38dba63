/** Small helpers shared by the contract suites; nothing here knows which transport runs. */
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@todo/domain';
import type { Logger } from '../src/index.js';

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface TestEventInit {
  type?: string;
  key?: string;
  data?: unknown;
  id?: string;
}

/** A CloudEvent envelope; the transports validate nothing about payloads, so any data will do. */
export function testEvent(now: Date, init: TestEventInit = {}): CloudEvent {
  return {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: 'transport-contract',
    type: init.type ?? 'todo.task.created.v1',
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data: init.data ?? { n: 1 },
    ...(init.key ? { partitionkey: init.key } : {}),
  } as unknown as CloudEvent;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that remembers what it was told, for asserting on dead-letter and drop logs. */
export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      records.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { records, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Lets already-queued callbacks (setImmediate, resolved promises) run; not a sleep. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
