using Logistics.Doa.Data;
using Logistics.Doa.Events;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>
/// Doa's event handlers, each handed an event as MapIntegrationEvent does: in the inbox's transaction (the handlers take
/// what they need in their constructors, so the inbox's services are not used).
/// </summary>
internal sealed class Handlers(ClaimStore claims, DeliveriesTable deliveries, RequestTicketsTable tickets, TimeProvider clock)
{
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    private readonly ReceiptSignedHandler _receiptSigned = new(claims, deliveries, clock, NullLogger<ReceiptSignedHandler>.Instance);
    private readonly PartRequestShippedHandler _partRequestShipped = new(claims, tickets, clock, NullLogger<PartRequestShippedHandler>.Instance);
    private readonly ReturnChangedHandler _returnChanged = new(claims, clock, NullLogger<ReturnChangedHandler>.Instance);

    private static InboxContext Inbox(NpgsqlTransaction tx) => new("ev-" + Guid.NewGuid().ToString("N"), tx, NoServices);

    public Task OnReceiptSignedAsync(NpgsqlTransaction tx, ReceiptSigned e, CancellationToken ct) => _receiptSigned.HandleAsync(e, Inbox(tx), ct);

    public Task OnPartRequestShippedAsync(NpgsqlTransaction tx, PartRequestShipped e, CancellationToken ct) => _partRequestShipped.HandleAsync(e, Inbox(tx), ct);

    public Task OnReturnChangedAsync(NpgsqlTransaction tx, ReturnChanged e, CancellationToken ct) => _returnChanged.HandleAsync(e, Inbox(tx), ct);

    public static Task OnPartCataloguedAsync(NpgsqlTransaction tx, PartCatalogued e, CancellationToken ct) => new PartCataloguedHandler().HandleAsync(e, Inbox(tx), ct);

    public static Task OnStockMovementRecordedAsync(NpgsqlTransaction tx, StockMovementRecorded e, CancellationToken ct) =>
        new StockMovementRecordedHandler().HandleAsync(e, Inbox(tx), ct);
}
