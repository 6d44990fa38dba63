CREATE TABLE "reminder_emissions" (
	"reminder_id" uuid NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"emitted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reminder_emissions_reminder_id_fire_at_pk" PRIMARY KEY("reminder_id","fire_at")
);
--> statement-breakpoint
ALTER TABLE "reminder_emissions" ADD CONSTRAINT "reminder_emissions_reminder_id_reminders_id_fk" FOREIGN KEY ("reminder_id") REFERENCES "public"."reminders"("id") ON DELETE cascade ON UPDATE no action;