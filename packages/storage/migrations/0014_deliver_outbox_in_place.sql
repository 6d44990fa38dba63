CREATE TABLE "event_announcements" (
	"channel" text PRIMARY KEY NOT NULL,
	"types" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- On a connection whose session sets `todo.outbox_mode` to `deliver` (the embedded runtime's,
-- DatabaseOptions.outboxMode), the statement that writes an event also queues it for every
-- subscription that admits it and announces it, instead of leaving it in the outbox for the
-- relay to move later: one statement per pass and a second write of every row saved
-- (bench:events measures both modes). A trigger, so that every writer changes at once: were
-- some events queued in place and others moved later, a later event could overtake an earlier
-- one of its key. The event is not stored in the outbox, unless it is announced by id only (too
-- large for a notification): then it is kept, as published, for listeners to read back.
CREATE FUNCTION "todo_deliver_outbox_row"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  subscription text;
  channel text;
  whole jsonb;
  keep boolean := false;
BEGIN
  FOR subscription IN
    SELECT s.name FROM event_subscriptions s
    WHERE s.topic = NEW.topic
      AND (s.types IS NULL OR NEW.type = ANY (s.types))
      AND (s.json_path IS NULL OR jsonb_path_exists(NEW.event, s.json_path::jsonpath))
    ORDER BY s.name
  LOOP
    INSERT INTO event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
    VALUES (NEW.event->>'id', NEW.topic, subscription, NEW.partition_key, NEW.event, NEW.available_at);
    -- Wakes the subscription's dispatchers in every process when this transaction commits.
    PERFORM pg_notify('todo_event_deliveries', json_build_array(NEW.topic, subscription)::text);
  END LOOP;
  FOR channel IN SELECT a.channel FROM event_announcements a WHERE NEW.type = ANY (a.types) LOOP
    whole := jsonb_build_object('id', NEW.id, 'type', NEW.type, 'data', NEW.event->'data');
    IF octet_length(whole::text) < 7900 THEN
      PERFORM pg_notify(channel, jsonb_build_array(whole)::text);
    ELSE
      keep := true;
      PERFORM pg_notify(channel, jsonb_build_array(jsonb_build_object(
        'id', NEW.id, 'type', NEW.type, 'userId', NEW.event->'data'->'userId', 'stored', true))::text);
    END IF;
  END LOOP;
  IF keep THEN
    NEW.published_at := NEW.available_at;
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "outbox_deliver_in_place" BEFORE INSERT ON "outbox" FOR EACH ROW
  WHEN (current_setting('todo.outbox_mode', true) = 'deliver') EXECUTE FUNCTION "todo_deliver_outbox_row"();
