-- Transfers of serials between centres (docs/transfers.md): the domain record as a document, with the columns lists
-- filter on (incoming: to_centre_id, outgoing: from_centre_id).
CREATE TABLE transfers (
    transfer_id    text PRIMARY KEY,
    from_centre_id text NOT NULL,
    to_centre_id   text NOT NULL,
    part_number    text NOT NULL,
    state          text NOT NULL,
    requested_by   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    document       jsonb NOT NULL
);
CREATE INDEX transfers_outgoing ON transfers (from_centre_id, requested_at DESC);
CREATE INDEX transfers_incoming ON transfers (to_centre_id, requested_at DESC);
