-- Lost-in-transit investigations cover the units still outstanding, not only shipments nobody signed for at all
-- (docs/lost-in-transit.md): the rest of a partial delivery, serials reported missing, the units a transfer's final
-- receipt recorded missing. An investigation names its units; a write-off takes exactly those.
ALTER TABLE transit_investigations ADD COLUMN serials text[], ADD COLUMN quantity integer;
UPDATE transit_investigations i SET serials = s.serials, quantity = s.quantity FROM shipments s WHERE s.reference = i.reference;
ALTER TABLE transit_investigations ALTER COLUMN serials SET NOT NULL, ALTER COLUMN quantity SET NOT NULL;

-- The lowest count of a transfer's units still in the sending centre's transit that inventory announced (it only falls);
-- steps kept before inventory announced it count as 0, as they stopped the watch before.
ALTER TABLE transfer_receipt_steps ADD COLUMN still_in_transit integer NOT NULL DEFAULT 0;

-- The shipments the watch waits on: watched ones (to an engineer with a deliver-by, transfers) with units outstanding and
-- no investigation yet. A row leaves when its last unit is accounted for or an investigation opens, so a scan reads
-- only what may still go astray, however many shipments were delivered before.
CREATE TABLE transit_watch (
    reference  text        PRIMARY KEY REFERENCES shipments (reference),
    deliver_by timestamptz NOT NULL,
    units      integer     NOT NULL CHECK (units > 0)
);
CREATE INDEX transit_watch_by_deliver_by ON transit_watch (deliver_by);

INSERT INTO transit_watch (reference, deliver_by, units)
SELECT reference, deliver_by, units FROM (
    SELECT s.reference, s.deliver_by,
           CASE WHEN s.kind = 'centre-to-centre'
                THEN CASE WHEN EXISTS (SELECT 1 FROM transfer_receipt_steps t WHERE t.reference = s.reference) THEN 0 ELSE s.quantity END
                ELSE (SELECT count(*) FROM unnest(s.serials) AS shipped(serial)
                      WHERE NOT EXISTS (SELECT 1 FROM receipts r
                                        WHERE r.reference = s.reference AND r.superseded_by IS NULL AND shipped.serial = ANY (r.accepted_serials)))::integer
           END AS units
    FROM shipments s
    WHERE (NOT s.addressed_to_centre OR s.kind = 'centre-to-centre') AND s.deliver_by IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM transit_investigations i WHERE i.reference = s.reference)
) watched
WHERE units > 0;

DROP INDEX shipments_by_deliver_by;
DROP INDEX shipments_transfers_by_deliver_by;
