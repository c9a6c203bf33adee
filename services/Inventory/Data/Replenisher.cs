using Logistics.Hosting.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Replenishment;
using Npgsql;

namespace Logistics.Inventory.Data;

/// <summary>
/// Makes a centre's proposal: reads its min/max rows, its available stock (Redis, less units promised to transfers not
/// yet picked), its incoming (open expected goods-in and open transfers to it, not yet received), the parts' suppliers and the other centres' stock above their own max, lets
/// <see cref="ReplenishmentPlanner"/> decide, and saves the proposal (superseding the open one). Used by the daily job and
/// by "propose now".
/// </summary>
public sealed class Replenisher(NpgsqlDataSource dataSource, ReplenishmentStore store, TransferStore transfers, StockStore stock, CatalogueCache catalogue)
{
    /// <summary>The proposal saved, or the one already saved under that id (a daily run another replica made first).</summary>
    public async Task<Proposal> ProposeAsync(string centreId, string proposalId, string trigger, string by, DateTimeOffset at, CancellationToken ct)
    {
        var limits = await store.LimitsAsync(centreId, null, ct);
        var incoming = new Dictionary<string, long>(await store.IncomingAsync(centreId, ct), StringComparer.Ordinal);
        var open = await transfers.OpenAsync(null, limits.Select(l => l.PartNumber).ToList(), ct);
        // An open transfer to this centre is incoming until it is received (a missing unit is the investigation's).
        foreach (var t in open.Where(t => t.ToCentreId == centreId))
            incoming[t.PartNumber] = incoming.GetValueOrDefault(t.PartNumber) + t.Incoming;
        // Units a centre promised to a transfer and has not picked (reserved) yet are not available there any more.
        long Promised(string centre, string part) => open.Where(t => t.FromCentreId == centre && t.PartNumber == part).Sum(t => (long)t.Promised);
        var positions = new List<PartPosition>();
        foreach (var limit in limits)
        {
            var level = await stock.GetLevelAsync(centreId, limit.PartNumber);
            var part = await catalogue.PartAsync(limit.PartNumber, ct);
            positions.Add(new PartPosition(limit.PartNumber, level.Available - Promised(centreId, limit.PartNumber),
                incoming.GetValueOrDefault(limit.PartNumber), limit.ReorderPoint, limit.OrderUpTo, part?.Supplier ?? ""));
        }
        // Only parts at or below their reorder point need a source; only other centres with a max for them can be above it.
        var short_ = positions.Where(p => p.Position <= p.ReorderPoint).Select(p => p.PartNumber).ToList();
        var others = new List<CentreSurplus>();
        if (short_.Count > 0)
            foreach (var other in (await store.LimitsAsync(null, short_, ct)).Where(l => l.CentreId != centreId))
            {
                var level = await stock.GetLevelAsync(other.CentreId, other.PartNumber);
                others.Add(new CentreSurplus(other.CentreId, other.PartNumber, level.Available - Promised(other.CentreId, other.PartNumber), other.OrderUpTo));
            }
        var proposal = new Proposal(proposalId, centreId, ProposalState.Open, trigger, by, at, ReplenishmentPlanner.Plan(centreId, positions, others));

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await ReplenishmentStore.InsertProposalAsync(tx, proposal, ct))
        {
            await tx.RollbackAsync(ct);
            return await store.ReadProposalAsync(proposalId, ct);
        }
        await CommitSignal.CommitAsync(tx, ct);
        return proposal;
    }
}
