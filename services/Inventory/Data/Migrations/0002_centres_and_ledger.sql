CREATE TABLE centres (
    centre_id  text        PRIMARY KEY,
    name       text        NOT NULL,
    bins       text[]      NOT NULL,
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The stock movement ledger: every change of a stock level, drained from each centre's Redis stream.
-- Append-only; replaying a centre's rows in sequence order reproduces its levels in Redis.
CREATE TABLE movements (
    sequence       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    movement_id    uuid        NOT NULL UNIQUE,  -- made by the command; a re-drained entry is recognised
    centre_id      text        NOT NULL,
    part_number    text        NOT NULL,
    kind           text        NOT NULL,
    bin            text        NOT NULL DEFAULT '',
    serials        text[]      NOT NULL DEFAULT '{}',
    quantity       integer     NOT NULL,
    d_on_hand      integer     NOT NULL,
    d_reserved     integer     NOT NULL,
    d_in_transit   integer     NOT NULL,
    d_faulty       integer     NOT NULL,
    d_quarantined  integer     NOT NULL,
    reference      text        NOT NULL DEFAULT '',
    reservation_id text        NOT NULL DEFAULT '',
    reason_code    text        NOT NULL DEFAULT '',
    occurred_at    timestamptz NOT NULL,
    document       jsonb       NOT NULL,         -- the stream entry as written, for replay
    stream_id      text        NOT NULL
);
CREATE INDEX movements_by_centre ON movements (centre_id, sequence);
CREATE INDEX movements_by_part ON movements (centre_id, part_number, sequence);

-- How far each centre's Redis stream has been drained into the ledger.
CREATE TABLE ledger_cursors (
    centre_id      text PRIMARY KEY,
    last_stream_id text NOT NULL
);
