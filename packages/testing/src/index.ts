/** @module @todo/testing — shared test helpers: fixed clocks and fresh databases on both engines. */
export { TestClock } from './clock.js';
export { createTestDatabase, createPostgresDatabase, postgresBaseUrl, ENGINES, type Engine } from './databases.js';
export { connectMigratedPostgres, readsOf, type MigratedPostgres, type Reads } from './pg-reads.js';
export { startSmtpCapture, takeConfirmationToken, type SmtpCapture, type CapturedMail } from './smtp.js';
