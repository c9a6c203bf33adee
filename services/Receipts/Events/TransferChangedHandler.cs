using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Events;

/// <summary>
/// transfer-changed: a transfer between centres is watched for loss in transit like a shipment to an engineer.
/// <c>Shipped</c> records the shipment (<c>transfer-&lt;id&gt;</c>, to the receiving centre, deliver-by = shipped at +
/// the transfer transit allowance; the first announcement is kept). A receipt step (<c>PartlyReceived</c>,
/// <c>Received</c>) says how many units are still in the sending centre's transit (<c>still_in_transit</c>: not received,
/// not written off; units a final receipt recorded missing included): the lowest count heard is kept, the watch waits
/// for that many, an open investigation loses the units that arrived (found when none is left). Order-independent: the
/// count only falls over a transfer's life and the lowest wins, and a step heard before the shipment is read when the
/// shipment is recorded; repeats change nothing. Other steps are not ours.
/// </summary>
public sealed class TransferChangedHandler(TransitBook transit, TransitPolicy policy, TimeProvider clock)
    : IIntegrationEventHandler<TransferChanged>
{
    public async Task HandleAsync(TransferChanged e, InboxContext inbox, CancellationToken ct)
    {
        switch (e.State)
        {
            case "Shipped":
                var shipment = Shipment.OfTransfer(
                    e.TransferId, e.FromCentreId, e.ToCentreId, e.PartNumber, e.Quantity, e.By, EventTime.Of(e.ChangedAt, clock), policy.TransferTransitAllowance);
                await transit.RecordShipmentAsync(inbox.Transaction, shipment, ct);
                return;
            case "PartlyReceived" or "Received":
                var reference = Shipment.TransferReference(SharedKernel.Require.Code(e.TransferId, "transfer_id", 64));
                var by = string.IsNullOrWhiteSpace(e.By) ? "centre:" + e.ToCentreId : e.By.Trim();
                var at = EventTime.Of(e.ChangedAt, clock);
                var arrived = await transit.TransferReceivedAsync(inbox.Transaction, reference, e.State, by, at, e.StillInTransit, ct);
                if (arrived is not null) await ReceiptEvents.PublishArrivalAsync(inbox.Transaction, arrived, by, at, ct);
                return;
        }
    }
}
