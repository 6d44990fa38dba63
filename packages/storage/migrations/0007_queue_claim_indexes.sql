DROP INDEX "event_deliveries_due_idx";--> statement-breakpoint
DROP INDEX "outbox_pending_idx";--> statement-breakpoint
CREATE INDEX "event_deliveries_claim_idx" ON "event_deliveries" USING btree ("subscription","seq") WHERE "event_deliveries"."available_at" is not null;--> statement-breakpoint
CREATE INDEX "outbox_claim_idx" ON "outbox" USING btree ("created_at","id") WHERE "outbox"."published_at" is null;--> statement-breakpoint
-- The outbox keeps published rows for a day, so by the default 20 % scale factor a busy outbox
-- would carry a fifth of a day's events as dead entries of the pending index between vacuums.
ALTER TABLE "outbox" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
