-- The reservations gauge reads each reservation's last movement; without this it would scan the whole ledger.
CREATE INDEX movements_by_reservation ON movements (reservation_id, sequence DESC) WHERE reservation_id <> '';
