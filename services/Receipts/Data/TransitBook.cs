using Logistics.Hosting.Data;
using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>
/// The changes of a lost-in-transit investigation, and of the watch that opens it, in the caller's transaction (which
/// publishes the step through <c>Events/ReceiptEvents</c>). Each locks the shipment's reference first, as signing does,
/// so a late receipt and a write-off of the same shipment never both pass.
/// </summary>
public sealed class TransitBook(
    ShipmentsTable shipments, ReceiptsTable receipts, TransitInvestigationsTable investigations, TransitWatchTable watch, TransitPolicy policy)
{
    /// <summary>
    /// Records a shipment announced by its sender and, when it is watched, starts watching its units (for a transfer, less
    /// what a receipt step heard before the shipment already accounted for). Returns false when it was known already.
    /// </summary>
    public async Task<bool> RecordShipmentAsync(NpgsqlTransaction tx, Shipment shipment, CancellationToken ct)
    {
        await tx.LockAsync("reference:" + shipment.Reference, ct);
        if (!await shipments.AddAsync(tx, shipment, ct)) return false;
        if (TransitInvestigation.IsWatched(shipment)) await watch.SetAsync(tx, shipment, (await OutstandingAsync(tx, shipment, ct)).Quantity, ct);
        return true;
    }

    /// <summary>Opens the investigation of an overdue shipment's outstanding units; null when none is overdue (any more) or it has one.</summary>
    public async Task<TransitInvestigation?> OpenAsync(NpgsqlTransaction tx, string reference, DateTimeOffset now, CancellationToken ct)
    {
        await tx.LockAsync("reference:" + reference, ct);
        var shipment = await shipments.FindAsync(tx, reference, ct);
        if (shipment is null || await investigations.FindByReferenceAsync(tx, reference, ct) is not null) return null;
        var outstanding = await OutstandingAsync(tx, shipment, ct);
        if (!TransitInvestigation.IsOverdue(shipment, outstanding, now, policy)) return null;
        var investigation = TransitInvestigation.Open(shipment, outstanding, now, policy);
        await investigations.InsertAsync(tx, investigation, ct);
        await watch.StopAsync(tx, reference, ct); // the investigation follows its units from now on
        return investigation;
    }

    /// <summary>
    /// Inventory announced a receipt step on a transfer (PartlyReceived, Received) with the units still in transit: kept
    /// (the lowest count wins); units that arrived leave the watch, or an open investigation (found when none is left;
    /// units a final receipt recorded missing stay). Returns the investigation when it changed.
    /// </summary>
    public async Task<TransitInvestigation?> TransferReceivedAsync(
        NpgsqlTransaction tx, string reference, string step, string by, DateTimeOffset at, int stillInTransit, CancellationToken ct)
    {
        await tx.LockAsync("reference:" + reference, ct);
        var lowest = await investigations.RecordTransferReceiptAsync(tx, reference, step, by, at, stillInTransit, ct);
        var investigation = await investigations.FindByReferenceAsync(tx, reference, ct);
        if (investigation is null)
        {
            // Before the shipment is heard of there is nothing to watch yet: recording it reads the count kept here.
            if (await shipments.FindAsync(tx, reference, ct) is { } shipment) await watch.SetAsync(tx, shipment, Math.Min(lowest, shipment.Quantity), ct);
            return null;
        }
        if (!investigation.Arrived($"{reference}:{step}", OutstandingUnits.OfQuantity(lowest), at)) return null;
        await investigations.UpdateAsync(tx, investigation, ct);
        return investigation;
    }

    /// <summary>A shipment's units not accounted for: serials nobody signed for, or a transfer's units still in transit.</summary>
    private async Task<OutstandingUnits> OutstandingAsync(NpgsqlTransaction tx, Shipment shipment, CancellationToken ct)
    {
        if (!shipment.IsTransfer) return ReceiptBook.Outstanding(shipment, await receipts.ListAsync(tx, shipment.Reference, ct));
        var stillInTransit = await investigations.StillInTransitAsync(tx, shipment.Reference, ct);
        return OutstandingUnits.OfQuantity(Math.Min(stillInTransit ?? shipment.Quantity, shipment.Quantity));
    }

    public Task<TransitInvestigation> ProposeLossAsync(
        NpgsqlTransaction tx, string investigationId, Func<TransitInvestigation, string> proposer, string? claim, string? note, DateTimeOffset now,
        CancellationToken ct) =>
        ChangeAsync(tx, investigationId, i => i.ProposeLoss(proposer(i), claim, note, now, policy), ct);

    public Task<TransitInvestigation> ApproveWriteOffAsync(
        NpgsqlTransaction tx, string investigationId, Func<TransitInvestigation, string> approver, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(tx, investigationId, i => i.ApproveWriteOff(approver(i), now), ct);

    /// <summary>Reads under the reference's lock, lets the domain decide (it throws before anything is written), stores.</summary>
    private async Task<TransitInvestigation> ChangeAsync(
        NpgsqlTransaction tx, string investigationId, Action<TransitInvestigation> change, CancellationToken ct)
    {
        var reference = await investigations.ReferenceOfAsync(investigationId, ct)
            ?? throw new NotFoundException($"investigation {investigationId} does not exist");
        await tx.LockAsync("reference:" + reference, ct);
        var investigation = await investigations.FindByReferenceAsync(tx, reference, ct)
            ?? throw new InvalidOperationException($"investigation {investigationId} vanished");
        change(investigation);
        await investigations.UpdateAsync(tx, investigation, ct);
        return investigation;
    }
}
