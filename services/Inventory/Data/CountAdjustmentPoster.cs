using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Data;

/// <summary>
/// Posts an approved count's adjustments as stock movements, each under an idempotency key and movement id made
/// from the count and the line, so posting again (a retried approve, or the resume after a crash between the
/// approval's commit and the last posting) adds nothing twice. Then marks the count posted.
/// </summary>
public sealed class CountAdjustmentPoster(CountStore counts, CentresTable centres, StockStore stock)
{
    public async Task PostAsync(StockCount count, CancellationToken ct)
    {
        var centre = await centres.FindAsync(count.CentreId, ct) ?? throw new InvalidOperationException($"centre {count.CentreId} is gone");
        foreach (var a in count.AdjustmentsToPost())
        {
            var command = new StockCommand(count.CentreId, "count-" + Fingerprint.Hex(count.CountId, a.Bin, a.PartNumber)[..40],
                Fingerprint.Guid(count.CountId, a.Bin, a.PartNumber), count.ApprovedAt!.Value);
            // Quantities are kept per centre, so a whole-centre line is booked against the centre's first bin.
            var bin = a.Bin == CountLineKey.WholeCentre ? centre.Bins[0] : a.Bin;
            var serialized = a.SerialsAdded.Count + a.SerialsRemoved.Count > 0;
            await stock.AdjustAsync(command, a.PartNumber, bin, serialized ? 0 : checked((int)a.Delta), a.SerialsAdded, a.SerialsRemoved, a.ReasonCode, count.CountId);
        }
        await using var session = await counts.BeginAsync(count.CountId, ct);
        await session.MarkAdjustmentsPostedAsync(ct);
        await session.CommitAsync(ct);
    }
}
