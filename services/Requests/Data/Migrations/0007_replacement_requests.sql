-- A request lost in transit (state LostInTransit) may be asked for again once: the new request names the one it
-- replaces. Unique, so two replacements of one lost request cannot both be stored.
ALTER TABLE part_requests ADD COLUMN replaces_request_id text;
CREATE UNIQUE INDEX part_requests_replaces_request_id ON part_requests (replaces_request_id) WHERE replaces_request_id IS NOT NULL;
