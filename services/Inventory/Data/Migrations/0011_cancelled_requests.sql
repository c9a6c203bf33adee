-- Requests whose cancel inventory has heard: an approval delivered after its cancel (the two are different topics)
-- must not reserve stock that nothing would release.
CREATE TABLE cancelled_requests (
    request_id   text PRIMARY KEY,
    centre_id    text NOT NULL,
    cancelled_at timestamptz NOT NULL
);
