-- Which centre holds each serial (on hand, in transit from it, faulty or quarantined), kept by the movement
-- relay from the ledger's serial moves. Goods-in consults it to refuse a serial held at another centre.
CREATE TABLE serial_holders (
    part_number text NOT NULL,
    serial      text NOT NULL,
    centre_id   text NOT NULL,
    place       text NOT NULL,
    PRIMARY KEY (part_number, serial)
);
