using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Replenishment;

public enum AsnState { Open, Closed }

/// <summary>A part expected on an ASN: how many, and the serials when the supplier told them.</summary>
public sealed record ExpectedLine(string PartNumber, int Quantity, IReadOnlyList<string> Serials);

/// <summary>One goods-in booked against the ASN; its key is the goods-in's idempotency key, so a retry counts once.</summary>
public sealed record AsnReceipt(string Key, string PartNumber, int Quantity, IReadOnlyList<string> Serials, string By, DateTimeOffset At);

/// <summary>How a part stands against the ASN.</summary>
public enum AsnLineStatus { Short, Complete, Over, Unexpected }

/// <summary>One part of the check: expected and received so far, its status, and serials not expected or still missing.</summary>
public sealed record AsnLineCheck(
    string PartNumber, int Expected, int Received, AsnLineStatus Status, IReadOnlyList<string> UnexpectedSerials, IReadOnlyList<string> MissingSerials);

/// <summary>
/// An expected goods-in (advance shipping notice, ASN) at a centre from a supplier: the parts and quantities (and serials
/// when known) that a purchase will bring. Goods-in against it are checked line by line (over, short, unexpected) and
/// the ASN closes when every expected line is fully received. Until then, what is not yet received counts as incoming
/// in the centre's next proposal.
/// </summary>
public sealed record ExpectedGoodsIn(
    string AsnId, string CentreId, string Supplier, string ProposalId, AsnState State, string CreatedBy, DateTimeOffset CreatedAt,
    IReadOnlyList<ExpectedLine> Lines)
{
    public IReadOnlyList<AsnReceipt> Receipts { get; init; } = [];
    public DateTimeOffset? ClosedAt { get; init; }

    public static ExpectedGoodsIn Expect(string asnId, string centreId, string supplier, string proposalId,
        IReadOnlyList<ExpectedLine> lines, string by, DateTimeOffset at)
    {
        if (lines.Count == 0) throw new RuleViolationException($"expected goods-in {asnId} has no lines");
        return new ExpectedGoodsIn(asnId, centreId, supplier, proposalId, AsnState.Open, by, at, lines);
    }

    /// <summary>The units of a part not yet received (0 once the ASN is closed): what counts as incoming.</summary>
    public int Outstanding(string partNumber) =>
        State == AsnState.Closed ? 0
        : Math.Max(0, Lines.Where(l => l.PartNumber == partNumber).Sum(l => l.Quantity) - Received(partNumber));

    public int Received(string partNumber) => Receipts.Where(r => r.PartNumber == partNumber).Sum(r => r.Quantity);

    /// <summary>May a goods-in with this key go against the ASN? An open one, or a retry of a receipt it already has.</summary>
    public void RequireOpenFor(string key)
    {
        if (State == AsnState.Closed && Receipts.All(r => r.Key != key))
            throw new RuleViolationException($"expected goods-in {AsnId} is closed (fully received); book the goods-in without it");
    }

    /// <summary>
    /// Books a goods-in against the ASN (once per key: a retry changes nothing) and closes it when every expected line is
    /// fully received. Stock is already in: an unexpected part or an over-delivery is booked and reported, not refused.
    /// </summary>
    public ExpectedGoodsIn Receive(string key, string partNumber, int quantity, IReadOnlyList<string> serials, string by, DateTimeOffset at)
    {
        if (Receipts.Any(r => r.Key == key)) return this;
        var next = this with { Receipts = [.. Receipts, new AsnReceipt(key, partNumber, quantity, serials, by, at)] };
        return next.State == AsnState.Open && next.Lines.All(l => next.Received(l.PartNumber) >= l.Quantity)
            ? next with { State = AsnState.Closed, ClosedAt = at }
            : next;
    }

    /// <summary>Every expected part, then every unexpected one received, each with its status.</summary>
    public IReadOnlyList<AsnLineCheck> Check()
    {
        var checks = new List<AsnLineCheck>();
        foreach (var line in Lines)
        {
            var received = Received(line.PartNumber);
            var serials = Receipts.Where(r => r.PartNumber == line.PartNumber).SelectMany(r => r.Serials).ToList();
            var status = received < line.Quantity ? AsnLineStatus.Short : received == line.Quantity ? AsnLineStatus.Complete : AsnLineStatus.Over;
            checks.Add(new AsnLineCheck(line.PartNumber, line.Quantity, received, status,
                line.Serials.Count == 0 ? [] : serials.Except(line.Serials, StringComparer.Ordinal).ToList(),
                line.Serials.Except(serials, StringComparer.Ordinal).ToList()));
        }
        foreach (var group in Receipts.Where(r => Lines.All(l => l.PartNumber != r.PartNumber))
                     .GroupBy(r => r.PartNumber, StringComparer.Ordinal))
            checks.Add(new AsnLineCheck(group.Key, 0, group.Sum(r => r.Quantity), AsnLineStatus.Unexpected,
                group.SelectMany(r => r.Serials).ToList(), []));
        return checks;
    }
}
