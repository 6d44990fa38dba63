CREATE TABLE "recurrence_handled" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"handled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recurrence_handled" ADD CONSTRAINT "recurrence_handled_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_recurring_completed_idx" ON "tasks" USING btree ("completed_at") WHERE "tasks"."recurrence_rule" is not null and "tasks"."completed_at" is not null;--> statement-breakpoint
-- Occurrences completed before this migration were handled (or are past help): the reconciliation starts from here.
INSERT INTO "recurrence_handled" ("task_id", "handled_at") SELECT "id", now() FROM "tasks" WHERE "recurrence_rule" IS NOT NULL AND "completed_at" IS NOT NULL;
