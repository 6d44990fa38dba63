/** @module @todo/testing — shared test helpers: fixed clocks and fresh PostgreSQL databases. */
export { TestClock } from './clock.js';
export { tempDataDir } from './data-dir.js';
export { createTestDatabase, createPostgresDatabase, postgresBaseUrl } from './databases.js';
export { connectMigratedPostgres, readsOf, type MigratedPostgres, type Reads } from './pg-reads.js';
export { startSmtpCapture, takeConfirmationToken, type SmtpCapture, type CapturedMail } from './smtp.js';
export { startFakePushService, type FakePushService, type FakeSubscription, type ReceivedPush } from './push-service.js';
export { todoistCsv, icalTodos, seeded, type TodoistFixture, type IcalFixture } from './fixtures/import-files.js';
