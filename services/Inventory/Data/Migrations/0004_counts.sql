-- Stock counts. A count is kept as the ordered log of the commands it accepted (open, start with its snapshot,
-- line batches, stale marks, re-snapshots, close, approve, cancel); replaying the log through the domain model
-- rebuilds it exactly. The header row answers "which counts are open here" without a replay.
CREATE TABLE counts (
    count_id          text        PRIMARY KEY,
    centre_id         text        NOT NULL,
    bins              text[]      NOT NULL,
    part_numbers      text[]      NOT NULL,
    state             text        NOT NULL,
    opened_at         timestamptz NOT NULL,
    adjustments_posted boolean    NOT NULL DEFAULT false
);
CREATE INDEX counts_open_by_centre ON counts (centre_id) WHERE state NOT IN ('Completed', 'Cancelled');

CREATE TABLE count_commands (
    count_id text    NOT NULL REFERENCES counts (count_id),
    seq      integer NOT NULL,
    kind     text    NOT NULL,
    body     jsonb   NOT NULL,
    PRIMARY KEY (count_id, seq)
);
