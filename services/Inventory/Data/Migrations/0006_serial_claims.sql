-- serial_holders becomes the one cross-centre claim of a serial (README "Serial uniqueness"). Besides the places a
-- centre holds a serial in, a row may be:
--   claimed   a goods-in at centre_id took the serial and is running (or died running) its centre's script;
--             claimed_at tells a live claim from a dangling one
--   field     received at its destination (an engineer, a site) after centre_id shipped it on `reference`
--   returned  handed back unused to centre_id on `reference`: only that centre may take it in again
-- The primary key (part_number, serial) is what makes two claims of one serial impossible.
ALTER TABLE serial_holders ADD COLUMN reference text NOT NULL DEFAULT '';
ALTER TABLE serial_holders ADD COLUMN claimed_at timestamptz;

-- Serials delivered before this migration left no row (a move out of the centre deleted it); the ledger knows them.
INSERT INTO serial_holders (part_number, serial, centre_id, place, reference)
SELECT part_number, serial, centre_id, 'field', reference
FROM (SELECT DISTINCT ON (m.part_number, s) m.part_number, s AS serial, m.centre_id, m.kind, m.reference
      FROM movements m, unnest(m.serials) AS s
      ORDER BY m.part_number, s, m.sequence DESC) AS latest
WHERE kind = 'received'
ON CONFLICT (part_number, serial) DO NOTHING;
