using Logistics.Inventory.Data;

namespace Logistics.Inventory.Jobs;

/// <summary>At start, finishes the posting of any count approved before a crash (<see cref="CountAdjustmentPoster"/>).</summary>
public sealed class CountPostingResume(CountStore counts, CountAdjustmentPoster poster, ILogger<CountPostingResume> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        IReadOnlyList<string> pending;
        try
        {
            pending = await counts.UnpostedCountIdsAsync(ct);
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
            await poster.PostAsync(await counts.ReadAsync(countId, token), token);
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
