-- Requests a DOA claim concerns (the request the dead unit came with), from doa's DoaClaimApproved events: delivery
-- managers may read these. A replacement request carries its claim in part_requests.doa_claim_id itself.
CREATE TABLE doa_claimed_requests (
    request_id text NOT NULL,
    claim_id   text NOT NULL,
    PRIMARY KEY (request_id, claim_id)
);
