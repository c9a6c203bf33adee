-- Transfers between centres (docs/transfers.md) are watched for loss in transit too: their shipments are kind
-- centre-to-centre, addressed to the receiving centre. Inventory, not receipts, receives them, so every receipt step it
-- announces (transfer-changed PartlyReceived / Received) is kept here as "someone looked at it": the watch then opens no
-- investigation and an open one closes as found. No foreign key to shipments: the receipt step may arrive first.
CREATE TABLE transfer_receipt_steps (
    reference   text        PRIMARY KEY,   -- transfer-<transfer id>
    step        text        NOT NULL,      -- the first receipt step heard: PartlyReceived | Received
    received_by text        NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX shipments_transfers_by_deliver_by ON shipments (deliver_by) WHERE kind = 'centre-to-centre';
