-- A supervisor's resolution of an anomaly: a record beside the anomaly (which, like the ledger, never changes).
-- One per anomaly; resolutions never change either.
CREATE TABLE anomaly_resolutions (
    anomaly_id  text        PRIMARY KEY REFERENCES anomalies (anomaly_id),
    resolved_by text        NOT NULL,
    note        text        NOT NULL,
    resolved_at timestamptz NOT NULL
);

CREATE FUNCTION anomaly_resolutions_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'anomaly resolutions are final: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER anomaly_resolutions_no_update_or_delete BEFORE UPDATE OR DELETE ON anomaly_resolutions
    FOR EACH ROW EXECUTE FUNCTION anomaly_resolutions_are_final();
