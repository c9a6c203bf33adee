using Logistics.Hosting.Data;
using Logistics.Receipts.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Receipts.Data;

/// <summary>
/// A receipt as signed, with the shipment it was checked against (where its centre, part and site come from), and the
/// lost-in-transit investigation it closed as found (signed for late), if any.
/// </summary>
public sealed record SignedReceipt(Receipt Receipt, Shipment Shipment, TransitInvestigation? Found = null);

/// <summary>
/// Signing and correcting inside a command's transaction. The reference is locked first, so two receipts on one
/// reference are checked one after the other: the same serial cannot be signed for twice by two concurrent calls.
/// Everything is checked by the domain before anything is written.
/// </summary>
public sealed class ReceiptBook(ShipmentsTable shipments, ReceiptsTable receipts, TransitInvestigationsTable investigations, ReceiptPolicy policy)
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
        // Signed for late: an open investigation closes itself, in the same transaction as the receipt.
        if (investigation is not { IsOpen: true }) return new SignedReceipt(receipt, shipment);
        investigation.Found(receipt.ReceiptId, now);
        await investigations.UpdateAsync(tx, investigation, ct);
        return new SignedReceipt(receipt, shipment, investigation);
    }

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
        return new SignedReceipt(corrected, shipment);
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
