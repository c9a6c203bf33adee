-- The chain of custody: an append-only ledger of custody events per serial, each serial's current state,
-- the breaks found (anomalies), the good/bad pairs, and what the checks of invariant 4 wait for.

CREATE TABLE custody_events (
    serial          text        NOT NULL,
    sequence        bigint      NOT NULL,          -- per serial, in arrival order (ties of occurred_at)
    event_id        text        NOT NULL UNIQUE,   -- from the source CloudEvent id + serial + step: a redelivery is refused here
    part_number     text        NOT NULL,
    occurred_at     timestamptz NOT NULL,          -- business time; history is ordered by (occurred_at, sequence)
    business_step   text        NOT NULL,
    from_party      text        NOT NULL,
    from_location   text        NOT NULL,
    to_party        text        NOT NULL,
    to_location     text        NOT NULL,
    disposition     text        NOT NULL,          -- '' = as before
    packaging       text        NOT NULL,
    reference       text        NOT NULL,
    corrects        text        NOT NULL,          -- the event this one declares wrong; corrected_by is computed on read
    source_event_id text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (serial, sequence)
);
-- One serial's history page: an index range scan in business order, then at most a page of heap rows.
CREATE INDEX custody_events_history ON custody_events (serial, occurred_at, sequence);
CREATE INDEX custody_events_corrects ON custody_events (corrects) WHERE corrects <> '';

-- Invariant 6: custody events never change. The service owns the table, so a REVOKE would not stop it; this does.
CREATE FUNCTION custody_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'custody events are append-only: % refused (a mistake is corrected by a new event)', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER custody_events_no_update_or_delete BEFORE UPDATE OR DELETE ON custody_events
    FOR EACH ROW EXECUTE FUNCTION custody_events_are_append_only();
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
    FOR EACH STATEMENT EXECUTE FUNCTION custody_events_are_append_only();

-- Each serial's state after its events in business order; its row is locked while an event is appended.
CREATE TABLE serials (
    serial        text        PRIMARY KEY,
    part_number   text        NOT NULL,
    next_sequence bigint      NOT NULL,
    holder        text        NOT NULL,
    location      text        NOT NULL,
    disposition   text        NOT NULL,
    packaging     text        NOT NULL,
    consignor     text        NOT NULL,            -- who shipped it, while it is in transit
    last_event_at timestamptz NOT NULL,            -- the latest occurred_at
    events        bigint      NOT NULL
);

CREATE TABLE anomalies (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- detection order; listed newest first
    anomaly_id  text        NOT NULL UNIQUE,       -- from kind + serial + reference + event: found twice, recorded once
    kind        text        NOT NULL,
    serial      text        NOT NULL,
    detail      text        NOT NULL,
    reference   text        NOT NULL,
    event_id    text        NOT NULL,
    detected_at timestamptz NOT NULL
);
CREATE INDEX anomalies_by_serial ON anomalies (serial, seq);
CREATE INDEX anomalies_by_kind ON anomalies (kind, seq);

-- The good serial that replaced a faulty one (swap or DOA replacement).
CREATE TABLE serial_pairs (
    faulty_serial text        NOT NULL,
    good_serial   text        NOT NULL,
    reference     text        NOT NULL,
    paired_at     timestamptz NOT NULL,
    PRIMARY KEY (faulty_serial, good_serial)
);
CREATE INDEX serial_pairs_by_good ON serial_pairs (good_serial);

-- A DOA claim's dead unit (from the approval) and its replacement (from the shipment), in whichever order they come.
CREATE TABLE doa_pairs (
    claim_id           text PRIMARY KEY,
    dead_serial        text NOT NULL DEFAULT '',
    replacement_serial text NOT NULL DEFAULT '',
    dead_at            timestamptz,
    replaced_at        timestamptz
);

-- Swaps waiting for their faulty part's return to be opened (invariant 4), in whichever order the two events come.
CREATE TABLE swap_returns (
    serial           text NOT NULL,
    request_id       text NOT NULL,
    installed_at     timestamptz,
    return_opened_at timestamptz,
    flagged_at       timestamptz,
    PRIMARY KEY (serial, request_id)
);
CREATE INDEX swap_returns_waiting ON swap_returns (installed_at) WHERE return_opened_at IS NULL AND flagged_at IS NULL;
