-- Deliveries: the facts a claim's eligibility is judged on, kept from receipt-signed (kind centre-to-engineer or
-- carrier-to-site). One row per unit (part number and serial): the latest delivery of that unit.
CREATE TABLE deliveries (
    part_number  text        NOT NULL,
    serial       text        NOT NULL,
    request_id   text        NOT NULL,
    centre_id    text        NOT NULL,
    site_id      text        NOT NULL,
    engineer_id  text        NOT NULL,
    delivered_at timestamptz NOT NULL,
    receipt_id   text        NOT NULL,
    PRIMARY KEY (part_number, serial)
);
CREATE INDEX deliveries_by_serial_and_request ON deliveries (serial, request_id);

-- The ticket each shipped request serves (from part-request-shipped), so an approved claim can name it.
CREATE TABLE request_tickets (
    request_id text PRIMARY KEY,
    ticket_id  text NOT NULL
);

-- Claims: the whole claim as a JSON document (DoaClaimRecord), with the columns queries need beside it.
CREATE TABLE doa_claims (
    claim_id               text        PRIMARY KEY,
    part_number            text        NOT NULL,
    serial                 text        NOT NULL,
    request_id             text        NOT NULL,
    state                  text        NOT NULL,
    filed_by               text        NOT NULL,
    engineer_id            text        NOT NULL,
    filed_at               timestamptz NOT NULL,
    replacement_request_id text,
    document               jsonb       NOT NULL
);
-- At most one claim per unit that is not Rejected (the filing's serial lock already ensures it; this is the backstop).
CREATE UNIQUE INDEX doa_claims_one_live_per_unit ON doa_claims (part_number, serial) WHERE state <> 'Rejected';
CREATE INDEX doa_claims_by_serial ON doa_claims (serial);
CREATE UNIQUE INDEX doa_claims_by_replacement_request ON doa_claims (replacement_request_id) WHERE replacement_request_id IS NOT NULL;
CREATE INDEX doa_claims_by_filed_at ON doa_claims (filed_at, claim_id);
CREATE INDEX doa_claims_by_state ON doa_claims (state, filed_at, claim_id);
CREATE INDEX doa_claims_by_filer ON doa_claims (filed_by);
CREATE INDEX doa_claims_by_engineer ON doa_claims (engineer_id);
