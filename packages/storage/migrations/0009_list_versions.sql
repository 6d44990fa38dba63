ALTER TABLE "users" ADD COLUMN "data_version" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- A user's task lists are sent again while this version reads the same (docs/architecture.md,
-- "A read"): every row written to the user's tasks, their reminders, their tag links or tags
-- sets it to the writing transaction's id. In the database, not in the repositories, so no
-- write path can forget it, and a value never comes back. Row triggers, because most writes
-- are one row, and a transaction that has set its owner's version already (the transaction-
-- local setting todo.touched_user, which the create statement sets with the version) skips
-- the update: ~5 us a row, where a statement trigger with a transition table cost ~28 us for
-- every statement of a create's CTE, rows or not.
CREATE FUNCTION "todo_touch_owner"(owner uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET data_version = pg_current_xact_id()::text::bigint
  WHERE id = owner AND data_version <> pg_current_xact_id()::text::bigint;
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
  -- Null when the task goes in the same statement (a cascade): its own trigger has it.
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
