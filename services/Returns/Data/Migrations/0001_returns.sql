-- Faulty-part returns. The whole return (fault tag, history, ...) is the jsonb document, written from the domain's
-- snapshot; the columns beside it are copies of what the lists and the overdue job filter and sort on.
CREATE TABLE returns (
    return_id     text        PRIMARY KEY,
    kind          text        NOT NULL,
    request_id    text        NOT NULL,
    doa_claim_id  text        NOT NULL,
    engineer_id   text        NOT NULL,
    centre_id     text        NOT NULL,
    part_number   text        NOT NULL,
    serial        text        NOT NULL,
    state         text        NOT NULL,
    opened_at     timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    unreturned_at timestamptz NOT NULL,
    overdue       boolean     NOT NULL,
    escalated     boolean     NOT NULL,
    unreturned    boolean     NOT NULL,
    version       integer     NOT NULL,
    document      jsonb       NOT NULL
);

-- Lists: oldest due first, by engineer, by state, overdue only.
CREATE INDEX returns_by_due ON returns (due_at, return_id);
CREATE INDEX returns_by_engineer ON returns (engineer_id, due_at, return_id);
CREATE INDEX returns_by_state ON returns (state, due_at, return_id);
CREATE INDEX returns_overdue ON returns (due_at, return_id) WHERE overdue;

-- The overdue job: returns still out (not yet received) whose deadlines it must check.
CREATE INDEX returns_outstanding ON returns (due_at) WHERE state IN ('Open', 'Packed', 'Shipped');

-- A serial is held by one engineer at a time: at most one return that is not closed per part and serial (a DOA
-- replacement's swap whose removed part is the claim's dead unit does not open a second return for it).
CREATE UNIQUE INDEX returns_one_open_per_serial ON returns (part_number, serial) WHERE state <> 'Closed';

-- A dead unit's replacement shipment, kept also when it arrives before the claim's approval (events on different
-- topics are not ordered), so the dead unit's deadline runs from the shipment whichever comes first.
CREATE TABLE dead_unit_replacements (
    doa_claim_id       text        PRIMARY KEY,
    request_id         text        NOT NULL,
    replacement_serial text        NOT NULL,
    shipped_at         timestamptz NOT NULL
);
