-- Claims a subscription's next deliveries in the embedded queue (DeliveryQueries.claim): the
-- oldest due rows with no earlier pending row of their partition key ("heads"), and the rows
-- queued right behind those, leased until p_lease. Planned here with index scans only: a
-- queue's statistics are always stale (analysed nearly empty, read thousands deep), and with
-- them the same statement sent as SQL sorted every pending row of the subscription before
-- taking the first 50 (45 ms at 12,000 rows), or scanned the table once per claimed row — so a
-- subscription that fell behind fell further behind (docs/decisions/0004-claim-functions.md).
CREATE FUNCTION todo_claim_deliveries(
  p_topic text, p_subscription text, p_now timestamptz, p_lease timestamptz, p_limit int, p_followers int)
RETURNS SETOF event_deliveries
LANGUAGE plpgsql
SET enable_sort = off
SET enable_bitmapscan = off
SET enable_seqscan = off
-- The sort of the followers is still needed; its penalty must not make the claim compile JIT code.
SET jit = off
AS $$
BEGIN
  RETURN QUERY
  WITH heads AS (
    SELECT d.seq, d.topic, d.subscription, d.partition_key
    FROM event_deliveries d
    -- From the subscription's oldest row on: acknowledged rows leave dead index entries before it.
    WHERE d.topic = p_topic AND d.subscription = p_subscription
      AND d.seq >= (SELECT min(o.seq) FROM event_deliveries o WHERE o.subscription = p_subscription AND o.available_at IS NOT NULL)
      AND d.available_at <= p_now AND (d.locked_until IS NULL OR d.locked_until <= p_now)
      -- The first pending row of its key (a row without a key is always first), found by one
      -- descent of (subscription, partition_key, seq).
      AND (d.partition_key IS NULL OR d.seq = (
        SELECT e.seq FROM event_deliveries e
        WHERE e.subscription = d.subscription AND e.partition_key = d.partition_key AND e.topic = d.topic
        ORDER BY e.seq LIMIT 1))
    ORDER BY d.seq
    LIMIT p_limit
    FOR UPDATE OF d SKIP LOCKED),
  -- Nobody else can claim the rows behind a head we hold, so they come along, in publish order
  -- across keys: each key gets a prefix of its rows (a burst on few keys is not quadratic).
  followers AS (
    SELECT run.seq FROM heads h
    CROSS JOIN LATERAL (
      SELECT n.seq FROM event_deliveries n
      WHERE n.subscription = h.subscription AND n.partition_key = h.partition_key AND n.seq > h.seq AND n.topic = h.topic
      ORDER BY n.seq LIMIT p_followers) run
    ORDER BY run.seq
    LIMIT p_followers)
  -- By key, as an array: joined to the CTEs, a plan made on the empty table walked every row.
  UPDATE event_deliveries u SET locked_until = p_lease
  WHERE u.seq = ANY (ARRAY(SELECT h.seq FROM heads h UNION ALL SELECT f.seq FROM followers f))
  RETURNING u.*;
END $$;
