CREATE TABLE "task_trash" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"tasks" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_trash" ADD CONSTRAINT "task_trash_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_trash_user_number_idx" ON "task_trash" USING btree ("user_id","number");--> statement-breakpoint
CREATE INDEX "task_trash_deleted_idx" ON "task_trash" USING btree ("deleted_at");