-- When a part request's shipment must reach the site (PartRequestShipped.deliver_by). NULL for returns and for
-- shipments announced before the event carried it: those are never investigated as lost in transit.
ALTER TABLE shipments ADD COLUMN deliver_by timestamptz;
CREATE INDEX shipments_by_deliver_by ON shipments (deliver_by) WHERE deliver_by IS NOT NULL AND NOT addressed_to_centre;

-- Lost-in-transit investigations (docs/lost-in-transit.md): one per shipment nobody signed for some time after its
-- deliver-by. Open -> Found (signed for late) | LossProposed -> WrittenOff (a supervisor other than the proposer).
CREATE TABLE transit_investigations (
    investigation_id        text        PRIMARY KEY,
    reference               text        NOT NULL UNIQUE REFERENCES shipments (reference),
    state                   text        NOT NULL CHECK (state IN ('Open', 'Found', 'LossProposed', 'WrittenOff')),
    centre_id               text        NOT NULL,   -- the shipment's, for listing by centre
    deliver_by              timestamptz NOT NULL,
    opened_at               timestamptz NOT NULL,
    found_receipt_id        text,
    closed_at               timestamptz,
    carrier_claim_reference text,
    note                    text,
    proposed_by             text,
    proposed_at             timestamptz,
    approved_by             text,
    approved_at             timestamptz,
    -- Four eyes, whoever writes the row.
    CHECK (approved_by IS NULL OR approved_by <> proposed_by),
    CHECK ((state = 'WrittenOff') = (approved_by IS NOT NULL)),
    CHECK (state NOT IN ('LossProposed', 'WrittenOff') OR carrier_claim_reference IS NOT NULL)
);
CREATE INDEX transit_investigations_open ON transit_investigations (centre_id, opened_at) WHERE state IN ('Open', 'LossProposed');
