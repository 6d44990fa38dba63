/** @module @todo/recurring — next-occurrence role (Dapr app-id `recurring-task-service`). */
export { registerRecurring, type RecurringDeps, type RecurringRole } from './recurring.js';
