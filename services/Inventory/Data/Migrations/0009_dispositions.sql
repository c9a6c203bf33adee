-- The disposition of each quarantined serial (repair, return to supplier, scrap): the domain record as a document,
-- with the columns lists filter on. One open disposition per serial: a second proposal, or a concurrent one, breaks
-- the unique index and is refused.
CREATE TABLE dispositions (
    disposition_id text PRIMARY KEY,
    centre_id      text NOT NULL,
    part_number    text NOT NULL,
    serial         text NOT NULL,
    kind           text NOT NULL,
    state          text NOT NULL,
    proposed_by    text NOT NULL,
    proposed_at    timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    document       jsonb NOT NULL
);
CREATE UNIQUE INDEX dispositions_one_open_per_serial ON dispositions (part_number, serial)
    WHERE state IN ('Proposed', 'Approved', 'Sent', 'Received');
CREATE INDEX dispositions_by_centre ON dispositions (centre_id, state, proposed_at DESC);
CREATE INDEX dispositions_by_serial ON dispositions (serial);
