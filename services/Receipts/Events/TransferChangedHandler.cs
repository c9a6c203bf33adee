using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Events;

/// <summary>
/// transfer-changed: a transfer between centres is watched for loss in transit like a shipment to an engineer.
/// <c>Shipped</c> records the shipment (<c>transfer-&lt;id&gt;</c>, to the receiving centre, deliver-by = shipped at +
/// the transfer transit allowance; the first announcement is kept). Any receipt step (<c>PartlyReceived</c>,
/// <c>Received</c>) is kept as "someone looked at it" and closes an open investigation as found. Order-independent: a
/// receipt step heard before the shipment still stops the watch; repeats change nothing. Other steps are not ours.
/// </summary>
public sealed class TransferChangedHandler(ShipmentsTable shipments, TransitBook transit, TransitPolicy policy, TimeProvider clock)
    : IIntegrationEventHandler<TransferChanged>
{
    public async Task HandleAsync(TransferChanged e, InboxContext inbox, CancellationToken ct)
    {
        switch (e.State)
        {
            case "Shipped":
                var shipment = Shipment.OfTransfer(
                    e.TransferId, e.FromCentreId, e.ToCentreId, e.PartNumber, e.Quantity, e.By, EventTime.Of(e.ChangedAt, clock), policy.TransferTransitAllowance);
                await shipments.AddAsync(inbox.Transaction, shipment, ct);
                return;
            case "PartlyReceived" or "Received":
                var reference = Shipment.TransferReference(SharedKernel.Require.Code(e.TransferId, "transfer_id", 64));
                var by = string.IsNullOrWhiteSpace(e.By) ? "centre:" + e.ToCentreId : e.By.Trim();
                var found = await transit.TransferReceivedAsync(inbox.Transaction, reference, e.State, by, EventTime.Of(e.ChangedAt, clock), ct);
                if (found is not null) await ReceiptEvents.PublishInvestigationChangedAsync(inbox.Transaction, found, TransitInvestigationSteps.Found, by, ct);
                return;
        }
    }
}
