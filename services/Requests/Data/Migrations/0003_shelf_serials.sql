-- Serials on the shelf of each centre, as inventory's stock movements tell it (goods-in, to-stock, adjustments,
-- shipped, faulty-in, quarantined, scrapped), and the request that picked each for a shipment. `sequence` is the
-- position of the last applied movement in the centre's ledger: an older movement arriving late changes nothing.
CREATE TABLE shelf_serials (
    centre_id   text    NOT NULL,
    part_number text    NOT NULL,
    serial      text    NOT NULL,
    on_hand     boolean NOT NULL,
    sequence    bigint  NOT NULL,
    picked_by   text,
    PRIMARY KEY (centre_id, part_number, serial)
);
