-- The console's own schema ("web"): what each user did with their inbox items, and the stock counts it has heard of.
CREATE TABLE IF NOT EXISTS inbox_marks (
    user_id   text        NOT NULL,
    item_key  text        NOT NULL,
    read_at   timestamptz,
    done_at   timestamptz,
    PRIMARY KEY (user_id, item_key)
);

-- Fed by stock-count-changed (inventory has no list of counts): which counts may wait for someone, by centre.
CREATE TABLE IF NOT EXISTS known_counts (
    count_id    text        PRIMARY KEY,
    centre_id   text        NOT NULL,
    state       text        NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS known_counts_centre ON known_counts (centre_id, state);
