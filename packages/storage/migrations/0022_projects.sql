CREATE TABLE "project_members" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"favorite" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_members_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"color" text,
	"inbox" boolean DEFAULT false NOT NULL,
	"parent_id" uuid,
	"root_id" uuid NOT NULL,
	"archived_at" timestamp with time zone,
	"task_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_parent_id_projects_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_root_id_projects_id_fk" FOREIGN KEY ("root_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_members_user_idx" ON "project_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_owner_name_key" ON "projects" USING btree ("owner_id",lower("name")) WHERE not "projects"."inbox";--> statement-breakpoint
CREATE UNIQUE INDEX "projects_owner_inbox_key" ON "projects" USING btree ("owner_id") WHERE "projects"."inbox";--> statement-breakpoint
CREATE INDEX "projects_parent_idx" ON "projects" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "projects_root_idx" ON "projects" USING btree ("root_id");--> statement-breakpoint
-- Hand-written (the rest of this file is drizzle-kit's DDL, reordered around it): categories
-- become projects with the same ids, owned by their users; every user gets an Inbox, and new
-- users get one from a trigger, so no way of creating a user can forget it.
INSERT INTO "projects" ("id", "owner_id", "name", "color", "root_id", "created_at", "updated_at")
  SELECT "id", "user_id", "name", "color", "id", "created_at", "updated_at" FROM "categories";--> statement-breakpoint
INSERT INTO "projects" ("id", "owner_id", "name", "inbox", "root_id", "created_at", "updated_at")
  SELECT p."id", p."id_user", 'Inbox', true, p."id", now(), now()
  FROM (SELECT gen_random_uuid() AS "id", "id" AS "id_user" FROM "users") p;--> statement-breakpoint
INSERT INTO "project_members" ("project_id", "user_id", "role") SELECT "id", "owner_id", 'owner' FROM "projects";--> statement-breakpoint
CREATE FUNCTION "todo_create_inbox"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  inbox uuid := gen_random_uuid();
BEGIN
  INSERT INTO projects (id, owner_id, name, inbox, root_id, created_at, updated_at)
    VALUES (inbox, NEW.id, 'Inbox', true, inbox, NEW.created_at, NEW.created_at);
  INSERT INTO project_members (project_id, user_id, role, created_at) VALUES (inbox, NEW.id, 'owner', NEW.created_at);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "users_create_inbox" AFTER INSERT ON "users" FOR EACH ROW EXECUTE FUNCTION "todo_create_inbox"();--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "project_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "project_number" integer;--> statement-breakpoint
-- Hand-edited: drizzle-kit adds "project_id" and "project_number" as NOT NULL, which no table with
-- tasks in it accepts; they are added empty (above), filled here, then made NOT NULL.
-- Tasks without a category go to their user's Inbox; project numbers follow the users' numbers.
UPDATE "tasks" t SET "project_id" = coalesce(t."category_id", (SELECT p."id" FROM "projects" p WHERE p."owner_id" = t."user_id" AND p."inbox"));--> statement-breakpoint
UPDATE "tasks" t SET "project_number" = n."n"
  FROM (SELECT "id", row_number() OVER (PARTITION BY "project_id" ORDER BY "number", "id") AS "n" FROM "tasks") n
  WHERE n."id" = t."id";--> statement-breakpoint
UPDATE "projects" p SET "task_seq" = n."last" FROM (SELECT "project_id", max("project_number") AS "last" FROM "tasks" GROUP BY "project_id") n
  WHERE n."project_id" = p."id";--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "project_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "project_number" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_category_id_categories_id_fk";--> statement-breakpoint
DROP INDEX "tasks_user_open_due_idx";--> statement-breakpoint
DROP INDEX "tasks_user_created_idx";--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_project_number_key" ON "tasks" USING btree ("project_id","project_number");--> statement-breakpoint
CREATE INDEX "tasks_project_open_due_idx" ON "tasks" USING btree ("project_id",coalesce("due_at", 'infinity'::timestamptz),"id") WHERE "tasks"."completed_at" is null;--> statement-breakpoint
CREATE INDEX "tasks_project_created_idx" ON "tasks" USING btree ("project_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
ALTER TABLE "tasks" DROP COLUMN "category_id";--> statement-breakpoint
ALTER TABLE "categories" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "categories" CASCADE;