using Logistics.Inventory.Domain.Stock;
using StackExchange.Redis;

namespace Logistics.Inventory.Data.Stock;

/// <summary>
/// The stock report from the Redis stock the commands keep (docs/reports.md "Stock"): one read-only script per centre
/// sums its parts' levels and ages its backorder queues inside Redis, so no level or queue is carried to the service.
/// </summary>
public sealed class StockReportQuery(IConnectionMultiplexer redis)
{
    private static readonly string Script = Read();

    public async Task<StockReportRow> RunAsync(string centreId, DateTimeOffset now)
    {
        var keys = new StockKeys(StockFields.CentreId(centreId));
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, [keys.Parts], [keys.Prefix, now.ToUnixTimeMilliseconds()]))!;
        var v = reply.Select(r => (long)r).ToArray();
        return new StockReportRow(centreId, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    private static string Read()
    {
        const string resource = "Logistics.Inventory.Data.Stock.Scripts.stock_report.lua";
        using var stream = typeof(StockReportQuery).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing");
        return new StreamReader(stream).ReadToEnd();
    }
}
