-- What reached the service's dead-letter topic (dead-letter.<app id>): the original event, why it could not be applied,
-- and what an admin decided (replayed once, or discarded with a reason). Kept until a person decides; never deleted
-- by the messaging cleanup.

CREATE TABLE dead_letters (
    id                uuid        PRIMARY KEY,               -- the API's id
    seq               bigint      GENERATED ALWAYS AS IDENTITY UNIQUE, -- arrival order: newest first, paging
    event_id          text        NOT NULL,                  -- CloudEvent id of the original event
    topic             text        NOT NULL,                  -- the topic it was published on
    event_type        text        NOT NULL,                  -- CloudEvent type
    source            text        NOT NULL,                  -- CloudEvent source (the publishing app)
    data_content_type text        NOT NULL,
    data              text        NOT NULL,                  -- as the subscriber receives it (proto3 JSON)
    error             text        NOT NULL,                  -- as the sidecar reported it; '' when it did not
    attempts          integer     NOT NULL,                  -- deliveries tried; 0 when the sidecar did not say
    arrivals          integer     NOT NULL DEFAULT 1,        -- a dead letter delivered again is counted, not kept twice
    received_at       timestamptz NOT NULL DEFAULT now(),
    state             text        NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'replayed', 'discarded')),
    decided_by        text,
    decided_at        timestamptz,
    discard_reason    text,
    replay_outcome    text        CHECK (replay_outcome IN ('applied', 'already-applied')),
    UNIQUE (event_id, topic),
    CHECK ((state = 'waiting') = (decided_by IS NULL)),
    CHECK ((state = 'discarded') = (discard_reason IS NOT NULL)),
    CHECK ((state = 'replayed') = (replay_outcome IS NOT NULL))
);
CREATE INDEX dead_letters_waiting ON dead_letters (seq) WHERE state = 'waiting';
