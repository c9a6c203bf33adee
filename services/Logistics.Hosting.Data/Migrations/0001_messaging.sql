-- Tables every service has in its own schema: the transactional outbox, the inbox of handled events,
-- and the idempotency keys of commands.

CREATE TABLE outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- publish order
    id           uuid        NOT NULL UNIQUE, -- becomes the CloudEvent id, so a republished event keeps its id
    topic        text        NOT NULL,
    event_type   text        NOT NULL,        -- the proto message's full name
    payload      jsonb       NOT NULL,        -- proto3 JSON of the event
    traceparent  text,                        -- W3C trace context of the command that wrote it
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
-- The relay only ever scans what is still unpublished.
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

CREATE TABLE inbox (
    event_id     text        NOT NULL,        -- CloudEvent id
    subscription text        NOT NULL,        -- topic/route: one service may handle one event in several ways
    event_type   text        NOT NULL,
    handled_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, subscription)
);

CREATE TABLE idempotency_keys (
    caller       text        NOT NULL,        -- keys are per user, so two users cannot collide
    key          text        NOT NULL,
    method       text        NOT NULL,
    request_hash bytea       NOT NULL,
    response     bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);
