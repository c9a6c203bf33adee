-- Evidence files: the content of each photo or PDF uploaded for a claim (its description is in the claim's document).
-- Kept in Postgres beside the claim, in the same transaction: at most 10 files of 10 MiB per claim. bytea is stored out
-- of line (TOAST), so reading claims never reads the content.
CREATE TABLE doa_evidence (
    claim_id     text        NOT NULL REFERENCES doa_claims (claim_id),
    evidence_id  text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   integer     NOT NULL CHECK (size_bytes > 0),
    sha256       text        NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    content      bytea       NOT NULL,
    PRIMARY KEY (claim_id, evidence_id),
    UNIQUE (claim_id, sha256)
);
