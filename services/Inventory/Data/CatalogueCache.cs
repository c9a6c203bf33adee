using Logistics.Inventory.Domain;
using Microsoft.Extensions.Caching.Memory;

namespace Logistics.Inventory.Data;

/// <summary>
/// Centres and catalogue parts as the stock calls read them, remembered for a moment: otherwise every reservation
/// and release reads both from Postgres before its one Redis script (benchmark 1 in BENCHMARKS.md). A change made
/// through this service is forgotten as soon as it commits; a change made by another replica shows within
/// <see cref="Lifetime"/>. An id that does not exist is never remembered, so a centre or part defined a moment
/// later is found at once.
/// </summary>
public sealed class CatalogueCache(CentresTable centres, PartsTable parts, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    public Task<SparePartCentre?> CentreAsync(string centreId, CancellationToken ct) =>
        ReadAsync("centre:" + centreId, () => centres.FindAsync(centreId, ct));

    public Task<CataloguePart?> PartAsync(string partNumber, CancellationToken ct) =>
        ReadAsync("part:" + partNumber, () => parts.FindAsync(partNumber, ct));

    public void ForgetCentre(string centreId) => cache.Remove("centre:" + centreId);

    public void ForgetPart(string partNumber) => cache.Remove("part:" + partNumber);

    private async Task<T?> ReadAsync<T>(string key, Func<Task<T?>> read) where T : class
    {
        if (cache.TryGetValue(key, out T? known)) return known;
        var found = await read();
        if (found is not null) cache.Set(key, found, Lifetime);
        return found;
    }
}
