using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Inventory.Data;

/// <summary>
/// Posts an approved count's adjustments as stock movements, each under an idempotency key and movement id made
/// from the count and the line, so posting again (a retried approve, or the resume after a crash between the
/// approval's commit and the last posting) adds nothing twice. Then marks the count posted.
/// </summary>
public sealed class CountAdjustmentPoster(CountStore counts, CentresTable centres, StockStore stock, NpgsqlDataSource dataSource, ILogger<CountAdjustmentPoster> logger)
    : BackgroundService
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

    /// <summary>At start, finishes the posting of any count approved before a crash.</summary>
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var pending = new List<string>();
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT count_id FROM counts WHERE state = 'Completed' AND NOT adjustments_posted ORDER BY count_id");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) pending.Add(reader.GetString(0));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next approve retry posts them as well; say so instead of stopping the service.
            logger.LogError(e, "Finding the approved counts whose adjustments are not all posted failed");
            return;
        }
        await ResumeEachAsync(pending, async (countId, token) =>
        {
            logger.LogWarning("Count {CountId} was approved but not all its adjustments were posted; posting them now", countId);
            await PostAsync(await counts.ReadAsync(countId, token), token);
        }, logger, ct);
    }

    /// <summary>
    /// Posts each count on its own: one that fails (a bad line, a centre gone) is logged and left for its approve
    /// retry, and the counts behind it are still posted. Returns the counts that failed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ResumeEachAsync(IReadOnlyList<string> countIds, Func<string, CancellationToken, Task> post,
        ILogger logger, CancellationToken ct)
    {
        var failed = new List<string>();
        foreach (var countId in countIds)
        {
            try
            {
                await post(countId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failed.Add(countId);
                logger.LogError(e, "Posting the adjustments of approved count {CountId} failed; going on with the next count", countId);
            }
        }
        return failed;
    }
}
