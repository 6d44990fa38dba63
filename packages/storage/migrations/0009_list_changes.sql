CREATE TABLE "list_changes" (
	"user_id" uuid NOT NULL,
	"weight" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "list_changes" ADD CONSTRAINT "list_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "list_changes_user_idx" ON "list_changes" USING btree ("user_id");--> statement-breakpoint
-- Every transaction that writes a user's tasks, their reminders, tag links or tags appends one
-- row of weight 1 for that user: in the database, not in the repositories, so no write path
-- can forget it. Appended, never updated: a row shared by all of a user's writes made them wait
-- on each other under bench:api's create load. A transaction that has counted its owner
-- already (the transaction-local setting todo.touched_user) skips the owner.
CREATE FUNCTION "todo_touch_owner"(owner uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Not for an owner deleted in this transaction (a cascade): no list of theirs is left.
  INSERT INTO list_changes (user_id, weight) SELECT owner, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = owner);
  PERFORM set_config('todo.touched_user', owner::text, true);
END $$;--> statement-breakpoint
CREATE FUNCTION "todo_touch_row_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
BEGIN
  IF current_setting('todo.touched_user', true) IS DISTINCT FROM owner::text THEN PERFORM todo_touch_owner(owner); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "todo_touch_task_row_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
BEGIN
  -- Null when the task went in the same statement (a cascade): its own trigger has the owner.
  SELECT user_id INTO owner FROM tasks WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.task_id ELSE NEW.task_id END;
  IF owner IS NOT NULL AND current_setting('todo.touched_user', true) IS DISTINCT FROM owner::text THEN
    PERFORM todo_touch_owner(owner);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "tasks_touch_owner" AFTER INSERT OR UPDATE OR DELETE ON "tasks" FOR EACH ROW EXECUTE FUNCTION "todo_touch_row_owner"();--> statement-breakpoint
CREATE TRIGGER "tags_touch_owner" AFTER INSERT OR UPDATE OR DELETE ON "tags" FOR EACH ROW EXECUTE FUNCTION "todo_touch_row_owner"();--> statement-breakpoint
CREATE TRIGGER "reminders_touch_owner" AFTER INSERT OR UPDATE OR DELETE ON "reminders" FOR EACH ROW EXECUTE FUNCTION "todo_touch_task_row_owner"();--> statement-breakpoint
CREATE TRIGGER "task_tags_touch_owner" AFTER INSERT OR UPDATE OR DELETE ON "task_tags" FOR EACH ROW EXECUTE FUNCTION "todo_touch_task_row_owner"();
