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
        var signed = (await receipts.ListAsync(tx, reference, ct)).Count > 0;
        if (!TransitInvestigation.IsOverdue(shipment, signed, now, policy)) return null;
        var investigation = TransitInvestigation.Open(shipment, signed, now, policy);
        await investigations.InsertAsync(tx, investigation, ct);
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
