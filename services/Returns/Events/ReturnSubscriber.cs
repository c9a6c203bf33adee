using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Returns.Events;

/// <summary>
/// What opens and moves returns from other services' events. Each effect is written in the inbox's transaction. Stale,
/// out-of-order, irrelevant or malformed events are logged and ignored (never thrown: that would only redeliver them),
/// and a redelivery changes nothing: return ids come from the request or claim (<see cref="ReturnIds"/>).
/// </summary>
public sealed class ReturnSubscriber(ReturnStore store, ReturnsSettings settings, TimeProvider clock, ILogger<ReturnSubscriber> logger)
{
    public const string EngineerToCentre = "engineer-to-centre";

    /// <summary>The swap opens the return of the removed part (due 10 days after the replacement was signed for).</summary>
    public async Task OnPartInstalledAsync(PartInstalled e, NpgsqlTransaction tx, CancellationToken ct)
    {
        FaultyReturn opened;
        try
        {
            var installedAt = When(e.InstalledAt);
            opened = FaultyReturn.OpenForSwap(new SwapFacts(
                e.RequestId, e.CentreId, e.PartNumber, e.EngineerId, e.SiteId, e.TicketId, e.EquipmentId,
                e.InstalledSerial, e.RemovedSerial, e.DeliveredAt is null ? installedAt : When(e.DeliveredAt), installedAt), settings.Policy);
        }
        catch (DomainException x)
        {
            logger.LogError("PartInstalled of request {RequestId} cannot open a return and is ignored: {Problem}", e.RequestId, x.Message);
            return;
        }
        await InsertAsync(tx, opened, ct);
    }

    /// <summary>An approved DOA claim opens the dead unit's return (F003), its deadline from the replacement's shipment once known.</summary>
    public async Task OnDoaClaimApprovedAsync(DoaClaimApproved e, NpgsqlTransaction tx, CancellationToken ct)
    {
        FaultyReturn opened;
        try
        {
            opened = FaultyReturn.OpenForDeadUnit(new DeadUnitFacts(
                e.ClaimId, e.RequestId, e.Serial, e.CentreId, e.PartNumber, e.SiteId, e.TicketId, e.EngineerId, e.ApprovedBy,
                When(e.ApprovedAt)), settings.Policy);
            await LockClaimAsync(tx, opened.DoaClaimId, ct);
            // The replacement may have shipped (and its event arrived) before this approval reached us.
            if (await store.FindReplacementShipmentAsync(tx, opened.DoaClaimId, ct) is { } shipment)
                opened.StartDeadUnitClock(shipment.ShippedAt, shipment.ReplacementSerial, settings.Policy, clock.GetUtcNow());
        }
        catch (DomainException x)
        {
            logger.LogError("DoaClaimApproved of claim {ClaimId} cannot open a return and is ignored: {Problem}", e.ClaimId, x.Message);
            return;
        }
        await InsertAsync(tx, opened, ct);
    }

    /// <summary>A DOA replacement shipped: the dead unit is due 30 days from now on (shipped_at), not from the approval.</summary>
    public async Task OnPartRequestShippedAsync(PartRequestShipped e, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(e.DoaClaimId)) return; // an ordinary shipment: no return involved yet
        var shippedAt = When(e.ShippedAt);
        var replacementSerial = e.Serials.FirstOrDefault() ?? "";
        await LockClaimAsync(tx, e.DoaClaimId, ct);
        await store.RecordReplacementShipmentAsync(tx, e.DoaClaimId, e.RequestId, replacementSerial, shippedAt, ct);
        var returnId = ReturnIds.ForDeadUnit(e.DoaClaimId);
        var r = await store.FindForUpdateAsync(tx, returnId, ct);
        if (r is null)
        {
            logger.LogInformation("Replacement of DOA claim {ClaimId} shipped before its approval reached returns; kept for when it does", e.DoaClaimId);
            return;
        }
        try
        {
            if (!r.StartDeadUnitClock(shippedAt, replacementSerial, settings.Policy, clock.GetUtcNow())) return;
        }
        catch (DomainException x)
        {
            logger.LogWarning("Replacement shipment of DOA claim {ClaimId} does not move return {ReturnId}: {Problem}", e.DoaClaimId, returnId, x.Message);
            return;
        }
        await store.SaveAsync(tx, r, ct);
    }

    /// <summary>The centre signed for a returned part (engineer-to-centre, reference = the return id): Shipped → Received.</summary>
    public async Task OnReceiptSignedAsync(ReceiptSigned e, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (e.Kind != EngineerToCentre || string.IsNullOrWhiteSpace(e.Reference)) return;
        var r = await store.FindForUpdateAsync(tx, e.Reference, ct);
        if (r is null) return; // an unused part returned against a request, or another service's reference
        try
        {
            r.Receive(new ReturnReceipt(e.ReceiptId, e.SignedBy, When(e.SignedAt), [.. e.Serials], e.OuterIntact, e.EsdBagSealed));
        }
        catch (DomainException x)
        {
            logger.LogWarning("Receipt {ReceiptId} does not receive return {ReturnId} and is ignored: {Problem}", e.ReceiptId, r.ReturnId, x.Message);
            return;
        }
        await store.SaveAsync(tx, r, ct);
    }

    /// <summary>The DOA claim inspected its dead unit: the dead-unit return closes with the claim's result.</summary>
    public async Task OnDoaClaimChangedAsync(DoaClaimChanged e, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (e.Step != "inspected" || string.IsNullOrWhiteSpace(e.ClaimId)) return;
        var r = await store.FindForUpdateAsync(tx, ReturnIds.ForDeadUnit(e.ClaimId), ct);
        if (r is null) return;
        try
        {
            if (!r.CloseOnDoaInspection(e.Result, e.By, When(e.OccurredAt))) return;
        }
        catch (DomainException x)
        {
            logger.LogWarning("Inspection of DOA claim {ClaimId} does not close return {ReturnId}: {Problem}", e.ClaimId, r.ReturnId, x.Message);
            return;
        }
        await store.SaveAsync(tx, r, ct);
    }

    /// <summary>
    /// The approval and the replacement's shipment of one claim are applied one after the other: delivered at once, each
    /// would otherwise miss the other's uncommitted row and the dead unit's clock would never start from the shipment.
    /// </summary>
    private static Task LockClaimAsync(NpgsqlTransaction tx, string doaClaimId, CancellationToken ct) =>
        tx.LockAsync("doa-claim:" + doaClaimId, ct);

    private async Task InsertAsync(NpgsqlTransaction tx, FaultyReturn opened, CancellationToken ct)
    {
        if (await store.InsertAsync(tx, opened, ct))
            logger.LogInformation("Opened return {ReturnId} of serial {Serial} for engineer {EngineerId}, due {DueAt:u}",
                opened.ReturnId, opened.Serial, opened.EngineerId, opened.DueAt);
        else
            logger.LogInformation("Return {ReturnId} exists already, or serial {PartNumber}/{Serial} has a return that is not closed; not opened again",
                opened.ReturnId, opened.PartNumber, opened.Serial);
    }

    /// <summary>The event's own time; a publisher that left it out gets the arrival time.</summary>
    private DateTimeOffset When(Timestamp? time) => time?.ToDateTimeOffset() ?? clock.GetUtcNow();
}

public static class ReturnSubscriptions
{
    public static void MapReturnEvents(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationEvent<PartInstalled>(EventTopics.PartInstalled, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ReturnSubscriber>().OnPartInstalledAsync(e, inbox.Transaction, ct));
        app.MapIntegrationEvent<DoaClaimApproved>(EventTopics.DoaClaimApproved, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ReturnSubscriber>().OnDoaClaimApprovedAsync(e, inbox.Transaction, ct));
        app.MapIntegrationEvent<PartRequestShipped>(EventTopics.PartRequestShipped, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ReturnSubscriber>().OnPartRequestShippedAsync(e, inbox.Transaction, ct));
        app.MapIntegrationEvent<ReceiptSigned>(EventTopics.ReceiptSigned, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ReturnSubscriber>().OnReceiptSignedAsync(e, inbox.Transaction, ct));
        app.MapIntegrationEvent<DoaClaimChanged>(EventTopics.DoaClaimChanged, (e, inbox, ct) =>
            inbox.Services.GetRequiredService<ReturnSubscriber>().OnDoaClaimChangedAsync(e, inbox.Transaction, ct));
    }
}
