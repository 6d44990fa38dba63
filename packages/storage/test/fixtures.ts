import { TaskCreate, type TaskCreateInput } from '@todo/domain';
import { createServices, uuidV7Ids, type Principal, type Services } from '@todo/services';
import { TestClock, createTestDatabase } from '@todo/testing';
import { Store, type Database, type TaskRow } from '../src/index.js';

export interface Fixture {
  database: Database;
  store: Store;
  services: Services;
  clock: TestClock;
  signUp(email?: string, timeZone?: string): Promise<Principal>;
  addTask(p: Principal, input: TaskCreateInput): ReturnType<Services['tasks']['create']>;
  /** The number of task writes in each statement the store has sent, in order. */
  taskWriteBatches: number[];
  close(): Promise<void>;
}

let counter = 0;

export async function createFixture(): Promise<Fixture> {
  const database = await createTestDatabase();
  const taskWriteBatches: number[] = [];
  const store = new Store(database.db, { taskWrites: { onBatch: (size) => taskWriteBatches.push(size) } });
  const clock = new TestClock('2026-11-27T09:00:00Z');
  const services = createServices(
    { store, clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
    { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
  );
  return {
    database,
    store,
    services,
    clock,
    signUp: async (email = `user${++counter}@example.test`, timeZone = 'Europe/Berlin') => {
      const session = await services.auth.signUp({ email, password: 'correct horse battery', timeZone });
      return { userId: session.user.id, scopes: ['read', 'write'], via: 'session' };
    },
    taskWriteBatches,
    addTask: (principal, input) => services.tasks.create({ principal }, TaskCreate.parse(input)),
    close: () => database.close(),
  };
}

/** A task row with nothing set but what is given: the plainest task a test can write. */
export function plainTaskRow(
  fields: Pick<TaskRow, 'id' | 'userId' | 'projectId' | 'title' | 'createdAt'> & Partial<TaskRow>,
): TaskRow {
  return {
    number: 0,
    projectNumber: 0,
    description: '',
    priority: 0,
    completedAt: null,
    dueDate: null,
    dueTime: null,
    dueZone: null,
    dueAt: null,
    recurrenceRule: null,
    repeatFrom: null,
    seriesId: null,
    seriesStart: null,
    occurrenceIndex: null,
    parentId: null,
    icalUid: null,
    icalName: null,
    icalExtras: null,
    assigneeId: null,
    updatedAt: fields.createdAt,
    ...fields,
  };
}
