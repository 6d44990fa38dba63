ALTER TABLE "tasks" ADD COLUMN "ical_uid" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "ical_extras" text;--> statement-breakpoint
CREATE INDEX "tasks_project_ical_uid_idx" ON "tasks" USING btree ("project_id","ical_uid") WHERE "tasks"."ical_uid" is not null;