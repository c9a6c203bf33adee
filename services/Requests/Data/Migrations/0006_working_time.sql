-- A centre's IANA time zone and working calendar, from inventory's CentreDefined events (ship-by runs on them).
ALTER TABLE known_centres
    ADD COLUMN time_zone   text NOT NULL DEFAULT 'UTC',
    ADD COLUMN calendar_id text NOT NULL DEFAULT 'mon-fri';

-- Working calendars, one row per version; a version never changes (requests keep deadlines computed on it).
-- The shipped calendars are version 1 until an admin changes them (they are read from the code until then).
CREATE TABLE calendars (
    calendar_id text        NOT NULL,
    version     bigint      NOT NULL,
    definition  jsonb       NOT NULL,
    defined_by  text        NOT NULL,
    defined_at  timestamptz NOT NULL,
    PRIMARY KEY (calendar_id, version)
);

-- Customer sites an admin registered (deliver-by runs on their zone and calendar); other sites use their centre's.
CREATE TABLE sites (
    site_id     text        PRIMARY KEY,
    time_zone   text        NOT NULL,
    calendar_id text        NOT NULL,
    version     bigint      NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL
);
