using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>Keeps this service's copy of the parts catalogue: the highest catalogue version wins, whatever order the versions come in.</summary>
public sealed class PartCataloguedHandler(RequestablePartsTable parts, TimeProvider clock) : IIntegrationEventHandler<PartCatalogued>
{
    public async Task HandleAsync(PartCatalogued e, InboxContext inbox, CancellationToken ct)
    {
        var incoming = new RequestablePart(e.PartNumber, e.Description, e.Serialized, e.Unit, e.Version, clock.GetUtcNow());
        var current = await parts.FindForUpdateAsync(inbox.Transaction, e.PartNumber, ct);
        if (RequestablePart.Replaces(current, incoming)) await parts.SaveAsync(inbox.Transaction, incoming, ct);
    }
}
