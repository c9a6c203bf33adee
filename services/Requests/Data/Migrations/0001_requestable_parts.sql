-- Inventory's catalogue as this service knows it, from PartCatalogued events.
CREATE TABLE requestable_parts (
    part_number       text        PRIMARY KEY,
    description       text        NOT NULL,
    serialized        boolean     NOT NULL,
    unit              text        NOT NULL,
    catalogue_version bigint      NOT NULL,
    received_at       timestamptz NOT NULL
);
