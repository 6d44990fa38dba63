-- Deletes handled deliveries by key, planned with index scans only. A queue vacuumed down to no
-- pages in a quiet spell gets its acknowledgement planned as a sequential scan, and a
-- connection keeps that plan while the queue fills: under a steady create load every
-- acknowledgement then read the whole queue, 0.88 ms a call against a few hundredths by the
-- primary key (docs/decisions/0004-claim-functions.md).
CREATE FUNCTION todo_ack_deliveries(p_seqs bigint[])
RETURNS void
LANGUAGE plpgsql
SET enable_seqscan = off
SET enable_bitmapscan = off
SET jit = off
AS $$
BEGIN
  DELETE FROM event_deliveries WHERE seq = ANY (p_seqs);
END $$;
