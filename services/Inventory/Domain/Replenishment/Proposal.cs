using Logistics.Inventory.Domain.Transfers;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Replenishment;

/// <summary>Open until the warehouse accepts it; a newer proposal of the same centre supersedes an open one.</summary>
public enum ProposalState { Open, Accepted, Superseded }

/// <summary>What the warehouse decided for one line.</summary>
public enum LineAction { Purchase, Transfer, Drop }

/// <summary>
/// The warehouse's change to one line when accepting: the action ("" keeps the suggestion), the quantity (0 keeps it)
/// and, for a purchase, the supplier ("" keeps the part's).
/// </summary>
public sealed record LineChange(string PartNumber, string Action, long Quantity, string Supplier);

/// <summary>
/// A line as decided. A purchase names its supplier and the expected goods-in (ASN) it went on; a transfer names its
/// source centre and the transfer the acceptance requested from it.
/// </summary>
public sealed record LineDecision(string PartNumber, LineAction Action, int Quantity, string Supplier, string SourceCentre, string AsnId)
{
    public string TransferId { get; init; } = "";
}

/// <summary>
/// A replenishment proposal of one centre: lines computed by <see cref="ReplenishmentPlanner"/>, accepted once by the
/// warehouse, possibly changed (quantities, a transfer made a purchase, lines dropped). Accepting makes one expected
/// goods-in per supplier of the purchased lines.
/// </summary>
public sealed record Proposal(
    string ProposalId, string CentreId, ProposalState State, string Trigger, string CreatedBy, DateTimeOffset CreatedAt,
    IReadOnlyList<ProposalLine> Lines)
{
    public const string Daily = "daily";
    public const string OnDemand = "on-demand";

    public string DecidedBy { get; init; } = "";
    public DateTimeOffset? DecidedAt { get; init; }
    public IReadOnlyList<LineDecision> Decisions { get; init; } = [];

    /// <summary>
    /// Accepts the proposal with the warehouse's changes; lines not named keep their suggestion. Returns the accepted
    /// proposal and the expected goods-in of its purchases, one per supplier (ids from <paramref name="asnIdOf"/>); each
    /// transfer line names the transfer it asks for (id from <paramref name="transferIdOf"/>, by part number, see
    /// <see cref="TransfersToRequest"/>).
    /// INVALID_ARGUMENT naming the field (<c>lines[i].…</c>) for a change that does not fit; FAILED_PRECONDITION when
    /// the proposal is not open. Nothing is decided until every change is valid.
    /// </summary>
    public (Proposal Accepted, IReadOnlyList<ExpectedGoodsIn> Asns) Accept(
        IReadOnlyList<LineChange> changes, string by, DateTimeOffset at, Func<string, string> asnIdOf, Func<string, string> transferIdOf)
    {
        if (State != ProposalState.Open)
            throw new RuleViolationException($"proposal {ProposalId} is {State}; only an open proposal can be accepted");
        var byPart = new Dictionary<string, (LineAction Action, int Quantity, string Supplier)>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            var field = $"lines[{i}]";
            var line = Lines.FirstOrDefault(l => l.PartNumber == c.PartNumber?.Trim())
                ?? throw new InvalidFieldException($"{field}.part_number", $"'{c.PartNumber}' is not a line of proposal {ProposalId}");
            if (byPart.ContainsKey(line.PartNumber))
                throw new InvalidFieldException($"{field}.part_number", $"part {line.PartNumber} is changed twice");
            var action = (c.Action ?? "").Trim() switch
            {
                "" => line.Source == LineSource.Transfer ? LineAction.Transfer : LineAction.Purchase,
                "purchase" => LineAction.Purchase,
                "drop" => LineAction.Drop,
                "transfer" when line.Source == LineSource.Transfer => LineAction.Transfer,
                "transfer" => throw new InvalidFieldException($"{field}.action", $"no centre holds a surplus of {line.PartNumber} to transfer; purchase or drop it"),
                var other => throw new InvalidFieldException($"{field}.action", $"'{other}' is not an action (purchase, transfer, drop)"),
            };
            var quantity = c.Quantity == 0 ? line.Quantity : Quantities.Check(c.Quantity, $"{field}.quantity");
            if (action == LineAction.Transfer && quantity > Transfer.MaxQuantity)
                throw new InvalidFieldException($"{field}.quantity", $"a transfer moves at most {Transfer.MaxQuantity} units (was {quantity}); purchase the line or lower it");
            var supplier = string.IsNullOrWhiteSpace(c.Supplier) ? line.Supplier
                : Require.Code(c.Supplier, $"{field}.supplier", CataloguePart.MaxSupplierLength);
            if (action == LineAction.Purchase && supplier == "")
                throw new InvalidFieldException($"{field}.supplier", $"part {line.PartNumber} has no supplier in the catalogue; name one to purchase it");
            byPart[line.PartNumber] = (action, quantity, supplier);
        }
        var decided = Lines.Select(line =>
        {
            var (action, quantity, supplier) = byPart.TryGetValue(line.PartNumber, out var c)
                ? c : (line.Source == LineSource.Transfer ? LineAction.Transfer : LineAction.Purchase, line.Quantity, line.Supplier);
            if (action == LineAction.Purchase && supplier == "")
                throw new RuleViolationException($"part {line.PartNumber} has no supplier in the catalogue; name one (purchase) or drop the line");
            return new LineDecision(line.PartNumber, action, quantity, action == LineAction.Purchase ? supplier : "",
                action == LineAction.Transfer ? line.SourceCentre : "", action == LineAction.Purchase ? asnIdOf(supplier) : "")
                { TransferId = action == LineAction.Transfer ? transferIdOf(line.PartNumber) : "" };
        }).ToList();
        var asns = decided.Where(d => d.Action == LineAction.Purchase)
            .GroupBy(d => d.Supplier, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ExpectedGoodsIn.Expect(g.First().AsnId, CentreId, g.Key, ProposalId,
                g.Select(d => new ExpectedLine(d.PartNumber, d.Quantity, [])).ToList(), by, at))
            .ToList();
        return (this with { State = ProposalState.Accepted, DecidedBy = by, DecidedAt = at, Decisions = decided }, asns);
    }

    /// <summary>
    /// The transfers an accepted proposal asks for, one per transfer line: Requested, from the source centre (above its
    /// max when proposed) to this centre, for the accepted quantity, with a note naming the proposal; by serial or by
    /// quantity as the catalogue tracks the part (<paramref name="serialized"/>).
    /// </summary>
    public IReadOnlyList<Transfer> TransfersToRequest(Func<string, bool> serialized) =>
        State != ProposalState.Accepted ? []
        : Decisions.Where(d => d.Action == LineAction.Transfer)
            .Select(d => Transfer.Request(d.TransferId, d.SourceCentre, CentreId, d.PartNumber, d.Quantity,
                $"replenishment proposal {ProposalId}", DecidedBy, DecidedAt ?? CreatedAt, serialized(d.PartNumber)))
            .ToList();

    public Proposal Supersede() =>
        State == ProposalState.Open ? this with { State = ProposalState.Superseded } : this;
}
