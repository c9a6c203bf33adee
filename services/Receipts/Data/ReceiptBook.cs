using Logistics.Hosting.Data;
using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>
/// A receipt as signed, with the shipment it was checked against (where its centre, part and site come from), and the
/// lost-in-transit investigation it changed (units under investigation signed for late: found, or partly found), if any.
/// </summary>
public sealed record SignedReceipt(Receipt Receipt, Shipment Shipment, TransitInvestigation? Investigation = null);

/// <summary>
/// Signing and correcting inside a command's transaction. The reference is locked first, so two receipts on one
/// reference are checked one after the other: the same serial cannot be signed for twice by two concurrent calls.
/// Everything is checked by the domain before anything is written.
/// </summary>
public sealed class ReceiptBook(
    ShipmentsTable shipments, ReceiptsTable receipts, TransitInvestigationsTable investigations, TransitWatchTable watch, ReceiptPolicy policy)
{
    public async Task<SignedReceipt> SignAsync(
        NpgsqlTransaction tx, string receiptId, ReceiptKind kind, string reference, Signer signer, ReceiptContent content, DateTimeOffset now,
        CancellationToken ct)
    {
        await tx.LockAsync("reference:" + reference, ct);
        var shipment = await shipments.FindAsync(tx, reference, ct)
            ?? throw new NotFoundException($"no shipment known for reference {reference}; it may not have arrived yet");
        if (shipment.IsTransfer)
            throw new RuleViolationException($"{reference} is a transfer between centres; the receiving centre receives it in inventory, not here");
        var investigation = await investigations.FindByReferenceAsync(tx, reference, ct);
        investigation?.RequireNotWrittenOff();
        var onReference = await receipts.ListAsync(tx, reference, ct);
        var receipt = Receipt.Sign(receiptId, kind, signer, now, content, Expect(shipment, onReference, now), policy);
        await receipts.InsertAsync(tx, receipt, ct);
        return new SignedReceipt(receipt, shipment, await ArrivedAsync(tx, shipment, investigation, [.. onReference, receipt], receipt.ReceiptId, now, ct));
    }

    /// <summary>
    /// What a receipt leaves outstanding, in its transaction: the watch waits for that many units (none: it stops), or,
    /// once an investigation is open, units signed for late leave it (found when none is left). Returns the
    /// investigation when it changed.
    /// </summary>
    private async Task<TransitInvestigation?> ArrivedAsync(
        NpgsqlTransaction tx, Shipment shipment, TransitInvestigation? investigation, IReadOnlyList<Receipt> onReference, string receiptId,
        DateTimeOffset now, CancellationToken ct)
    {
        var outstanding = Outstanding(shipment, onReference);
        if (investigation is null)
        {
            if (TransitInvestigation.IsWatched(shipment)) await watch.SetAsync(tx, shipment, outstanding.Quantity, ct);
            return null;
        }
        if (!investigation.Arrived(receiptId, outstanding, now)) return null;
        await investigations.UpdateAsync(tx, investigation, ct);
        return investigation;
    }

    /// <summary>The shipment's serials not signed for on a current (not superseded) receipt: a serial reported missing stays outstanding.</summary>
    internal static OutstandingUnits Outstanding(Shipment shipment, IEnumerable<Receipt> onReference) =>
        OutstandingUnits.OfSerials(shipment.Serials, onReference.Where(r => !r.IsSuperseded).SelectMany(r => r.AcceptedSerials));

    /// <summary>
    /// <paramref name="bySupervisor"/> says, from the shipment (its centre, its addressee), whether the corrector acts as a
    /// supervisor; it throws when the corrector may not act there at all, before anything is written.
    /// </summary>
    public async Task<SignedReceipt> CorrectAsync(
        NpgsqlTransaction tx, string receiptId, string newReceiptId, string correctedBy, Func<Shipment, bool> bySupervisor, ReceiptContent content,
        DateTimeOffset now, CancellationToken ct)
    {
        var reference = await receipts.ReferenceOfAsync(tx, receiptId, ct) ?? throw new NotFoundException($"receipt {receiptId} does not exist");
        await tx.LockAsync("reference:" + reference, ct);
        var shipment = await shipments.FindAsync(tx, reference, ct)
            ?? throw new InvalidOperationException($"receipt {receiptId} names reference {reference}, which has no shipment");
        var onReference = await receipts.ListAsync(tx, reference, ct);
        var superseded = onReference.Single(r => r.ReceiptId == receiptId);
        var corrected = superseded.Correct(newReceiptId, correctedBy, bySupervisor(shipment), now, content, Expect(shipment, onReference, now), policy);
        await receipts.InsertAsync(tx, corrected, ct);
        await receipts.MarkSupersededAsync(tx, superseded, ct);
        var current = onReference.Where(r => r.ReceiptId != receiptId).Append(corrected).ToList();
        var investigation = await investigations.FindByReferenceAsync(tx, reference, ct);
        return new SignedReceipt(corrected, shipment, await ArrivedAsync(tx, shipment, investigation, current, corrected.ReceiptId, now, ct));
    }

    /// <summary>
    /// The goods count as delivered when the first receipt on the reference was signed (now, for the first one): the
    /// sender's events say when goods left, not when they arrived. Serials on current (not superseded) receipts are signed for.
    /// </summary>
    private static ExpectedHandover Expect(Shipment shipment, IReadOnlyList<Receipt> onReference, DateTimeOffset now) =>
        shipment.Expect(
            onReference.Count > 0 ? onReference.Min(r => r.SignedAt) : now,
            onReference.Where(r => !r.IsSuperseded).SelectMany(r => r.AcceptedSerials).ToList());
}
