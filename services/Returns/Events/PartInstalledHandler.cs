using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;

namespace Logistics.Returns.Events;

/// <summary>The swap opens the return of the removed part (due 10 days after the replacement was signed for).</summary>
public sealed class PartInstalledHandler(ReturnStore store, ReturnsSettings settings, TimeProvider clock, ILogger<PartInstalledHandler> logger)
    : IIntegrationEventHandler<PartInstalled>
{
    public async Task HandleAsync(PartInstalled e, InboxContext inbox, CancellationToken ct)
    {
        FaultyReturn opened;
        try
        {
            var installedAt = EventTime.Of(e.InstalledAt, clock);
            opened = FaultyReturn.OpenForSwap(new SwapFacts(
                e.RequestId, e.CentreId, e.PartNumber, e.EngineerId, e.SiteId, e.TicketId, e.EquipmentId,
                e.InstalledSerial, e.RemovedSerial, e.DeliveredAt is null ? installedAt : EventTime.Of(e.DeliveredAt, clock), installedAt),
                settings.Policy);
        }
        catch (DomainException x)
        {
            logger.LogError("PartInstalled of request {RequestId} cannot open a return and is ignored: {Problem}", e.RequestId, x.Message);
            return;
        }
        await ReturnChanges.OpenAsync(store, inbox.Transaction, opened, logger, ct);
    }
}
