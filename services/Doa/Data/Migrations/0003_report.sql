-- What the DOA report groups deliveries by, learnt from inventory's events (order-independent: the report joins at
-- query time, so a fact arriving before or after the delivery counts the same).
-- Each part's supplier, from part-catalogued; the highest catalogue version wins.
CREATE TABLE part_suppliers (
    part_number text   PRIMARY KEY,
    supplier    text   NOT NULL,
    version     bigint NOT NULL
);

-- Each serial's batch (lot), from the goods-in stock-movement-recorded that received it; the latest goods-in wins.
CREATE TABLE serial_batches (
    part_number text        NOT NULL,
    serial      text        NOT NULL,
    batch       text        NOT NULL,
    received_at timestamptz NOT NULL,
    movement_id text        NOT NULL,
    PRIMARY KEY (part_number, serial)
);

CREATE INDEX deliveries_by_delivered_at ON deliveries (delivered_at);
