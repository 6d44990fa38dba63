ALTER TABLE "event_subscriptions" ADD COLUMN "non_empty" text[];--> statement-breakpoint
ALTER TABLE "event_subscriptions" DROP COLUMN "json_path";--> statement-breakpoint
-- The embedded event pipeline's one path (docs/architecture.md, "An event"). Which subscriptions
-- take an event, how they are woken and how the event is announced is decided here and nowhere
-- else: the outbox trigger (a write), the embedded bus's `publish`, its dead-letter forwarding
-- and replay, and the sweep of rows a relay-mode writer left in the outbox all call
-- `todo_queue_event`; the Dapr runtime's live fan-out calls `todo_announce`.
--
-- Announces `events` (a JSON array of CloudEvents) on `channel`, in order, as few notifications
-- as fit PostgreSQL's 8000-byte payload bound: each a JSON array of the events whole
-- (`{id, type, data}`), or, for one too large, of `{id, type, userId, stored: true}`, for the
-- listener to read back from the outbox. True when an event was announced by id only.
CREATE FUNCTION "todo_announce"(p_channel text, p_events jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  e jsonb;
  envelope text;
  batch text := '';
  stored boolean := false;
BEGIN
  FOR e IN SELECT x.v FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(v, n) ORDER BY x.n LOOP
    envelope := jsonb_build_object('id', e->'id', 'type', e->'type', 'data', e->'data')::text;
    IF octet_length(envelope) + 2 >= 7900 THEN
      stored := true;
      envelope := jsonb_build_object('id', e->'id', 'type', e->'type', 'userId', e->'data'->'userId', 'stored', true)::text;
    END IF;
    IF batch <> '' AND octet_length(batch) + octet_length(envelope) + 3 > 7900 THEN
      PERFORM pg_notify(p_channel, '[' || batch || ']');
      batch := '';
    END IF;
    batch := CASE WHEN batch = '' THEN envelope ELSE batch || ',' || envelope END;
  END LOOP;
  IF batch <> '' THEN
    PERFORM pg_notify(p_channel, '[' || batch || ']');
  END IF;
  RETURN stored;
END $$;--> statement-breakpoint
-- Queues `event` for every subscription of `topic` that admits it — its type filter, and a value
-- that is not empty at its `non_empty` path — and wakes each of them in every process when the
-- transaction commits (NOTIFY todo_event_deliveries `[topic, name]`). With `announce`, also
-- announces it on every channel of `event_announcements` that lists its type; an event announced
-- by id only is kept in the outbox, as published, to be read back. Returns how many
-- subscriptions took it.
CREATE FUNCTION "todo_queue_event"(p_topic text, p_key text, p_event jsonb, p_at timestamptz, p_announce boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  subscription text;
  channel text;
  taken integer := 0;
  keep boolean := false;
BEGIN
  FOR subscription IN
    SELECT s.name FROM event_subscriptions s
    WHERE s.topic = p_topic
      AND (s.types IS NULL OR p_event->>'type' = ANY (s.types))
      AND (s.non_empty IS NULL OR coalesce(p_event #> s.non_empty, 'null') NOT IN ('null', '[]', '{}', '""'))
    ORDER BY s.name
  LOOP
    INSERT INTO event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
    VALUES (p_event->>'id', p_topic, subscription, p_key, p_event, p_at);
    PERFORM pg_notify('todo_event_deliveries', json_build_array(p_topic, subscription)::text);
    taken := taken + 1;
  END LOOP;
  IF p_announce THEN
    FOR channel IN SELECT a.channel FROM event_announcements a WHERE p_event->>'type' = ANY (a.types) LOOP
      keep := todo_announce(channel, jsonb_build_array(p_event)) OR keep;
    END LOOP;
    IF keep THEN
      INSERT INTO outbox (id, topic, type, partition_key, event, created_at, available_at, published_at)
      VALUES ((p_event->>'id')::uuid, p_topic, p_event->>'type', p_key, p_event, p_at, p_at, p_at)
      ON CONFLICT (id) DO UPDATE SET published_at = excluded.published_at;
    END IF;
  END IF;
  RETURN taken;
END $$;--> statement-breakpoint
-- On a connection that delivers in place (`todo.outbox_mode` = `deliver`, the embedded
-- runtime's), the writing statement queues its event instead of storing it: migration 0014's
-- trigger, now through `todo_queue_event`. A row inserted already published (a large event kept
-- for reading back) is stored as it is.
CREATE OR REPLACE FUNCTION "todo_deliver_outbox_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM todo_queue_event(NEW.topic, NEW.partition_key, NEW.event, NEW.available_at, true);
  RETURN NULL;
END $$;--> statement-breakpoint
DROP TRIGGER "outbox_deliver_in_place" ON "outbox";--> statement-breakpoint
CREATE TRIGGER "outbox_deliver_in_place" BEFORE INSERT ON "outbox" FOR EACH ROW
  WHEN (NEW.published_at IS NULL AND current_setting('todo.outbox_mode', true) = 'deliver')
  EXECUTE FUNCTION "todo_deliver_outbox_row"();--> statement-breakpoint
-- The embedded runtime's sweep of what a writer that does not deliver in place left in the
-- outbox (a Dapr-runtime process sharing the database, or rows written before a switch): up to
-- `max` due rows, oldest first, each through `todo_queue_event` and out of the outbox; rows
-- another process is sweeping are skipped. A row that cannot be queued (an event without an id)
-- counts an attempt, keeps its error and waits, with the rest of its key, until `retry_at`; the
-- batch is then swept again without it. With `prune_before`, first deletes published rows written
-- before it (large events kept for reading back). Returns how many rows it queued.
CREATE FUNCTION "todo_deliver_outbox"(p_now timestamptz, p_max integer, p_retry_at timestamptz, p_prune_before timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  r record;
  failing uuid;
  taken integer;
BEGIN
  IF p_prune_before IS NOT NULL THEN
    DELETE FROM outbox WHERE created_at <= p_prune_before AND published_at IS NOT NULL;
  END IF;
  LOOP
    BEGIN
      taken := 0;
      failing := NULL;
      FOR r IN
        SELECT o.* FROM outbox o WHERE o.published_at IS NULL AND o.available_at <= p_now
        ORDER BY o.created_at, o.id LIMIT p_max FOR UPDATE SKIP LOCKED
      LOOP
        failing := r.id;
        DELETE FROM outbox WHERE id = r.id;
        PERFORM todo_queue_event(r.topic, r.partition_key, r.event, p_now, true);
        taken := taken + 1;
      END LOOP;
      RETURN taken;
    EXCEPTION WHEN OTHERS THEN
      IF failing IS NULL THEN
        RAISE;
      END IF;
      UPDATE outbox SET attempts = attempts + 1, last_error = SQLERRM, available_at = p_retry_at WHERE id = failing;
      UPDATE outbox SET available_at = p_retry_at
      WHERE partition_key = (SELECT partition_key FROM outbox WHERE id = failing) AND published_at IS NULL;
    END;
  END LOOP;
END $$;
