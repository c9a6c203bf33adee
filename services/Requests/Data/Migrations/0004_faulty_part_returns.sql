-- The engineer's faulty-part returns as returns reports them (ReturnChanged): marked unreturned after the return
-- deadline, settled once received or inspected. A return that is unreturned and not settled blocks automatic approval
-- of the engineer's requests. Both marks are kept, so the steps may arrive in any order.
CREATE TABLE faulty_part_returns (
    return_id   text    PRIMARY KEY,
    engineer_id text    NOT NULL,
    unreturned  boolean NOT NULL DEFAULT false,
    settled     boolean NOT NULL DEFAULT false
);
CREATE INDEX faulty_part_returns_outstanding ON faulty_part_returns (engineer_id) WHERE unreturned AND NOT settled;
