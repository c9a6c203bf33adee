-- Lists of counts (ListCounts): who opened each count, kept on the header row so a page needs no replay, and the
-- orders the list pages in (newest first; open counts first, the longest open first).
ALTER TABLE counts ADD COLUMN opened_by text NOT NULL DEFAULT '';
UPDATE counts c SET opened_by = o.body->>'by'
FROM count_commands o WHERE o.count_id = c.count_id AND o.kind = 'Opened';
CREATE INDEX counts_newest ON counts (centre_id, opened_at DESC, count_id DESC);
