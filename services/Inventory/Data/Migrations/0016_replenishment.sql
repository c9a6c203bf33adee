-- Replenishment: min/max per centre and part, the proposals (a document each: lines and the warehouse's decisions) and
-- the expected goods-in (ASNs) accepted purchases make (a document each: lines and the goods-in booked against them).
CREATE TABLE stock_limits (
    centre_id     text NOT NULL,
    part_number   text NOT NULL,
    reorder_point integer NOT NULL CHECK (reorder_point >= 0),
    order_up_to   integer NOT NULL CHECK (order_up_to >= reorder_point AND order_up_to > 0),
    set_by        text NOT NULL,
    set_at        timestamptz NOT NULL,
    PRIMARY KEY (centre_id, part_number)
);
CREATE INDEX stock_limits_by_part ON stock_limits (part_number);

CREATE TABLE replenishment_proposals (
    proposal_id text PRIMARY KEY,
    centre_id   text NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    document    jsonb NOT NULL
);
-- One open proposal per centre: a new one supersedes the open one in the same transaction.
CREATE UNIQUE INDEX replenishment_one_open_per_centre ON replenishment_proposals (centre_id) WHERE state = 'Open';
CREATE INDEX replenishment_by_centre ON replenishment_proposals (centre_id, created_at DESC);

CREATE TABLE expected_goods_in (
    asn_id      text PRIMARY KEY,
    centre_id   text NOT NULL,
    supplier    text NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL,
    document    jsonb NOT NULL
);
CREATE INDEX expected_goods_in_by_centre ON expected_goods_in (centre_id, state, created_at DESC);
