-- Who supplies each part (a supplier id). Parts catalogued before this have none: '' (shown as unknown).
ALTER TABLE parts ADD COLUMN supplier text NOT NULL DEFAULT '';
