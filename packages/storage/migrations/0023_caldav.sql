ALTER TABLE "tasks" ADD COLUMN "ical_uid" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "ical_name" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "ical_extras" text;--> statement-breakpoint
CREATE INDEX "tasks_project_ical_name_idx" ON "tasks" USING btree ("project_id","ical_name") WHERE "tasks"."ical_name" is not null;