-- Deliveries a receipt correction withdrew, kept so the withdrawal holds whichever of the two receipt-signed events
-- comes first (one topic, but delivered concurrently, so not in order). delivered_at is the withdrawn delivery's time
-- once known (from the withdrawn delivery itself): an older delivery of the unit arriving later stays replaced by it.
CREATE TABLE withdrawn_deliveries (
    part_number  text        NOT NULL,
    serial       text        NOT NULL,
    receipt_id   text        NOT NULL,
    delivered_at timestamptz,
    PRIMARY KEY (part_number, serial, receipt_id)
);
