using Logistics.Hosting.Data;
using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>
/// The changes of a lost-in-transit investigation, in the caller's transaction (which publishes the step through
/// <c>Events/ReceiptEvents</c>). Each locks the shipment's reference first, as signing does, so a late receipt and a
/// write-off of the same shipment never both pass.
/// </summary>
public sealed class TransitBook(ShipmentsTable shipments, ReceiptsTable receipts, TransitInvestigationsTable investigations, TransitPolicy policy)
{
    /// <summary>Opens the investigation of an overdue shipment; null when it is not overdue (any more) or already has one.</summary>
    public async Task<TransitInvestigation?> OpenAsync(NpgsqlTransaction tx, string reference, DateTimeOffset now, CancellationToken ct)
    {
        await tx.LockAsync("reference:" + reference, ct);
        var shipment = await shipments.FindAsync(tx, reference, ct);
        if (shipment is null || await investigations.FindByReferenceAsync(tx, reference, ct) is not null) return null;
        var signed = (await receipts.ListAsync(tx, reference, ct)).Count > 0 || await investigations.TransferReceivedAsync(tx, reference, ct);
        if (!TransitInvestigation.IsOverdue(shipment, signed, now, policy)) return null;
        var investigation = TransitInvestigation.Open(shipment, signed, now, policy);
        await investigations.InsertAsync(tx, investigation, ct);
        return investigation;
    }

    /// <summary>
    /// Inventory announced a receipt step on a transfer (PartlyReceived, Received): kept, so the watch opens nothing for
    /// it; an open investigation (Open or LossProposed) closes as found, named after the step. Returns the investigation
    /// it closed, null when there was none open (not opened yet, already closed, or a repeat of the step).
    /// </summary>
    public async Task<TransitInvestigation?> TransferReceivedAsync(
        NpgsqlTransaction tx, string reference, string step, string by, DateTimeOffset at, CancellationToken ct)
    {
        await tx.LockAsync("reference:" + reference, ct);
        await investigations.RecordTransferReceiptAsync(tx, reference, step, by, at, ct);
        var investigation = await investigations.FindByReferenceAsync(tx, reference, ct);
        if (investigation is not { IsOpen: true }) return null;
        investigation.Found($"{reference}:{step}", at);
        await investigations.UpdateAsync(tx, investigation, ct);
        return investigation;
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
