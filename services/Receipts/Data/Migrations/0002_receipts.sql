-- Signed receipts. A signed receipt never changes (invariant 6): every column is written once, at signing; a
-- correction is a new row that supersedes the old one, and the old row only gets superseded_by / superseded_at.
-- The trigger below makes Postgres refuse anything else, whoever runs the statement.
CREATE TABLE receipts (
    seq                   bigint      GENERATED ALWAYS AS IDENTITY UNIQUE, -- signing order (oldest first)
    receipt_id            text        PRIMARY KEY,
    reference             text        NOT NULL REFERENCES shipments (reference),
    kind                  text        NOT NULL,
    handed_over_by        text        NOT NULL,
    received_by           text        NOT NULL,
    signed_at             timestamptz NOT NULL,
    serials               text[]      NOT NULL,  -- as declared
    quantity              integer     NOT NULL,
    outer_intact          boolean     NOT NULL,
    esd_bag_sealed        boolean     NOT NULL,
    condition             text        NOT NULL,
    note                  text        NOT NULL,
    dead_on_arrival       boolean     NOT NULL,
    accepted_serials      text[]      NOT NULL,
    accepted_quantity     integer     NOT NULL,
    discrepancies         jsonb       NOT NULL,  -- [{"serial": ..., "problem": ...}]
    missing_serials       text[]      NOT NULL,
    outstanding_serials   text[]      NOT NULL,
    newly_signed_serials  text[]      NOT NULL,  -- accepted here and not on the receipt it supersedes
    newly_signed_quantity integer     NOT NULL,
    withdrawn_serials     text[]      NOT NULL,  -- accepted on the superseded receipt, not here
    supersedes            text        UNIQUE REFERENCES receipts (receipt_id),
    corrected_by          text,
    superseded_by         text        UNIQUE REFERENCES receipts (receipt_id),
    superseded_at         timestamptz,
    CHECK ((superseded_by IS NULL) = (superseded_at IS NULL))
);
CREATE INDEX receipts_by_reference ON receipts (reference, seq);

CREATE FUNCTION receipts_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'receipt % is signed; a signed receipt is never deleted', OLD.receipt_id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.superseded_by IS NOT NULL THEN
        RAISE EXCEPTION 'receipt % is signed and superseded by %; it never changes again', OLD.receipt_id, OLD.superseded_by
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'superseded_by' - 'superseded_at') IS DISTINCT FROM (to_jsonb(OLD) - 'superseded_by' - 'superseded_at') THEN
        RAISE EXCEPTION 'receipt % is signed; only superseded_by and superseded_at may be set', OLD.receipt_id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER receipts_never_change BEFORE UPDATE OR DELETE ON receipts
    FOR EACH ROW EXECUTE FUNCTION receipts_never_change();

CREATE FUNCTION receipts_never_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signed receipts are never deleted' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER receipts_never_truncated BEFORE TRUNCATE ON receipts
    FOR EACH STATEMENT EXECUTE FUNCTION receipts_never_truncated();
