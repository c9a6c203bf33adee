-- The IANA time zone and the working calendar a centre's ship-by deadlines run on (computed by requests).
ALTER TABLE centres
    ADD COLUMN time_zone   text NOT NULL DEFAULT 'UTC',
    ADD COLUMN calendar_id text NOT NULL DEFAULT 'mon-fri';
