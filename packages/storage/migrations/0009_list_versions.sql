ALTER TABLE "users" ADD COLUMN "data_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A user's task lists are cached by this version (docs/architecture.md, "Task lists"): every
-- statement that writes tasks, their reminders, their tag links or tags sets it to the writing
-- transaction's id, so a list read under one value is still right while the value stays. In
-- the database, not in the repositories, so no write path can forget it. Per statement, so a
-- bulk write updates each owner once; the second trigger of a transaction finds nothing to do.
CREATE FUNCTION "todo_touch_owners"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET data_version = pg_current_xact_id()::text::bigint
  WHERE id IN (SELECT user_id FROM changed) AND data_version <> pg_current_xact_id()::text::bigint;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "todo_touch_task_owners"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users SET data_version = pg_current_xact_id()::text::bigint
  WHERE id IN (SELECT t.user_id FROM tasks t WHERE t.id IN (SELECT task_id FROM changed))
    AND data_version <> pg_current_xact_id()::text::bigint;
  RETURN NULL;
END $$;--> statement-breakpoint
-- A trigger with transition tables takes one event, hence three per table.
CREATE TRIGGER "tasks_touch_owner_ins" AFTER INSERT ON "tasks" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "tasks_touch_owner_upd" AFTER UPDATE ON "tasks" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "tasks_touch_owner_del" AFTER DELETE ON "tasks" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "tags_touch_owner_ins" AFTER INSERT ON "tags" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "tags_touch_owner_upd" AFTER UPDATE ON "tags" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "tags_touch_owner_del" AFTER DELETE ON "tags" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_owners"();--> statement-breakpoint
CREATE TRIGGER "reminders_touch_owner_ins" AFTER INSERT ON "reminders" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();--> statement-breakpoint
CREATE TRIGGER "reminders_touch_owner_upd" AFTER UPDATE ON "reminders" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();--> statement-breakpoint
CREATE TRIGGER "reminders_touch_owner_del" AFTER DELETE ON "reminders" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();--> statement-breakpoint
CREATE TRIGGER "task_tags_touch_owner_ins" AFTER INSERT ON "task_tags" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();--> statement-breakpoint
CREATE TRIGGER "task_tags_touch_owner_upd" AFTER UPDATE ON "task_tags" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();--> statement-breakpoint
CREATE TRIGGER "task_tags_touch_owner_del" AFTER DELETE ON "task_tags" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "todo_touch_task_owners"();
