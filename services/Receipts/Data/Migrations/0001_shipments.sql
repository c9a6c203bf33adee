-- What was sent on each reference, as the sender's event announced it (PartRequestShipped, ReturnChanged "shipped"):
-- the handover every receipt on that reference is checked against. Written once; a redelivered or repeated
-- announcement changes nothing (receipts may already have been checked against the first).
CREATE TABLE shipments (
    reference           text        PRIMARY KEY,   -- request id or return id
    kind                text        NOT NULL,      -- centre-to-engineer | carrier-to-site | engineer-to-centre
    addressed_to        text        NOT NULL,      -- the engineer's user id, or the centre id
    addressed_to_centre boolean     NOT NULL,      -- true: any warehouse user signs
    handed_over_by      text        NOT NULL,
    centre_id           text        NOT NULL,
    part_number         text        NOT NULL,
    site_id             text        NOT NULL,
    serials             text[]      NOT NULL,
    quantity            integer     NOT NULL,
    faulty              boolean     NOT NULL,
    doa_claim_id        text        NOT NULL,
    shipped_at          timestamptz NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now()
);
