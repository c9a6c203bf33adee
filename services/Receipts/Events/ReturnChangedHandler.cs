using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Data;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts.Events;

/// <summary>
/// return-changed: an engineer shipped a faulty part back, so its centre is to sign for it; the other steps are not
/// ours. As for shipped requests, the first announcement of a return is kept and an incomplete one is a dead letter.
/// </summary>
public sealed class ReturnChangedHandler(TransitBook transit, TimeProvider clock) : IIntegrationEventHandler<ReturnChanged>
{
    public Task HandleAsync(ReturnChanged e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Step != ReturnSteps.Shipped) return Task.CompletedTask; // only shipping back makes a handover
        var shipment = Shipment.OfReturn(e.ReturnId, e.EngineerId, e.CentreId, e.PartNumber, e.SiteId, e.Serial, e.DoaClaimId, EventTime.Of(e.OccurredAt, clock));
        return transit.RecordShipmentAsync(inbox.Transaction, shipment, ct);
    }
}
