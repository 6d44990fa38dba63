-- The embedded runtime no longer carries live updates through its own queues: the relay that
-- publishes an event broadcasts it (apps/cli/src/roles.ts). Without this, the old
-- subscriptions would keep collecting delivery rows that nobody takes.
DELETE FROM "event_deliveries" WHERE "subscription" IN ('api-live-task-events', 'api-live-task-reminders');
--> statement-breakpoint
DELETE FROM "event_subscriptions" WHERE "name" IN ('api-live-task-events', 'api-live-task-reminders');
