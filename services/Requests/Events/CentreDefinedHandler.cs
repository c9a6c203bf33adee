using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;

namespace Logistics.Requests.Events;

/// <summary>Keeps this service's copy of inventory's centres (their names, time zones and calendars).</summary>
public sealed class CentreDefinedHandler(KnownCentresTable centres) : IIntegrationEventHandler<CentreDefined>
{
    public Task HandleAsync(CentreDefined e, InboxContext inbox, CancellationToken ct) =>
        centres.SaveAsync(inbox.Transaction, e.CentreId, e.Name, e.Version, e.TimeZone, e.CalendarId, ct);
}
