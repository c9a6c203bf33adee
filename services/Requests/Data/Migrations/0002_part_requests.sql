-- Part requests. The whole request (history, shipment, delivered serials, installation) is the jsonb document, written
-- from the domain's snapshot and read back through it; the other columns are copies of its fields for the queries
-- (an engineer's open requests, lists by engineer / state / lateness, newest first) and are rewritten with it.
CREATE TABLE part_requests (
    request_id   text        PRIMARY KEY,
    engineer_id  text        NOT NULL,
    state        text        NOT NULL,
    centre_id    text        NOT NULL,
    part_number  text        NOT NULL,
    submitted_at timestamptz NOT NULL,
    ship_by      timestamptz NOT NULL,
    deliver_by   timestamptz NOT NULL,
    doa_claim_id text,
    version      integer     NOT NULL,
    document     jsonb       NOT NULL
);

-- Lists are newest first (submitted_at desc, request_id desc as the tie-break of the page token).
CREATE INDEX part_requests_newest ON part_requests (submitted_at DESC, request_id DESC);
CREATE INDEX part_requests_by_engineer ON part_requests (engineer_id, submitted_at DESC, request_id DESC);
CREATE INDEX part_requests_by_state ON part_requests (state, submitted_at DESC, request_id DESC);
-- The engineer's standing at submit: open requests (neither Rejected, Cancelled nor Closed).
CREATE INDEX part_requests_open_by_engineer ON part_requests (engineer_id) WHERE state NOT IN ('Rejected', 'Cancelled', 'Closed');
-- A DOA claim has one replacement.
CREATE UNIQUE INDEX part_requests_by_doa_claim ON part_requests (doa_claim_id) WHERE doa_claim_id IS NOT NULL;
