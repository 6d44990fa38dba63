CREATE TABLE "project_invitations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"invited_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "project_invitations" ADD CONSTRAINT "project_invitations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_invitations" ADD CONSTRAINT "project_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_invitations_project_email_key" ON "project_invitations" USING btree ("project_id","email");--> statement-breakpoint
CREATE INDEX "project_invitations_email_idx" ON "project_invitations" USING btree ("email");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_assignee_idx" ON "tasks" USING btree ("assignee_id") WHERE "tasks"."assignee_id" is not null;--> statement-breakpoint
-- Hand-written (not drizzle-kit DDL): a task's change changes the lists of every member of its
-- project's tree, not only its creator's, so each member's data version moves in the same
-- statement (docs/decisions/0005-list-versions-page-cache.md, 0009). A personal project's only
-- member is its owner: one index probe more per row, no row more.
CREATE FUNCTION "todo_touch_task_members"(project uuid, owner uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('todo.touched_user', true) IS DISTINCT FROM owner::text THEN PERFORM todo_touch_owner(owner); END IF;
  INSERT INTO list_changes (user_id, weight)
    SELECT m.user_id, 1 FROM projects p JOIN project_members m ON m.project_id = p.root_id
    WHERE p.id = project AND m.user_id <> owner;
END $$;--> statement-breakpoint
CREATE FUNCTION "todo_touch_task_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM todo_touch_task_members(OLD.project_id, OLD.user_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.project_id IS DISTINCT FROM OLD.project_id) THEN
    PERFORM todo_touch_task_members(NEW.project_id, NEW.user_id);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "todo_touch_task_row_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
  project uuid;
BEGIN
  -- Null when the task went in the same statement (a cascade): its own trigger has the members.
  SELECT user_id, project_id INTO owner, project FROM tasks WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.task_id ELSE NEW.task_id END;
  IF owner IS NOT NULL THEN PERFORM todo_touch_task_members(project, owner); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
DROP TRIGGER "tasks_touch_owner" ON "tasks";--> statement-breakpoint
CREATE TRIGGER "tasks_touch_members" AFTER INSERT OR UPDATE OR DELETE ON "tasks" FOR EACH ROW EXECUTE FUNCTION "todo_touch_task_row"();
