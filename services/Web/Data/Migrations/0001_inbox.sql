-- The console's own schema ("web"): what each user did with their inbox items.
CREATE TABLE IF NOT EXISTS inbox_marks (
    user_id   text        NOT NULL,
    item_key  text        NOT NULL,
    read_at   timestamptz,
    done_at   timestamptz,
    PRIMARY KEY (user_id, item_key)
);

