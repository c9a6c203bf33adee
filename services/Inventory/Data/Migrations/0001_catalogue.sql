CREATE TABLE parts (
    part_number text        PRIMARY KEY,
    description text        NOT NULL,
    serialized  boolean     NOT NULL,
    unit        text        NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL
);
