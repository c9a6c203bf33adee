using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Logistics.Hosting.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Logistics.Hosting.Telemetry;

/// <summary>
/// Runs the service's <see cref="GaugeQuery"/>s one round every `Metrics:SampleInterval` and keeps the answers; the
/// observable gauges read the kept answers, so a scrape costs no query however often Prometheus comes. A query that
/// fails keeps its last answer (and the failure is in the log): a gauge going blank would look like a recovery.
/// </summary>
public sealed class GaugeSampler : PeriodicJob
{
    public const string MeterName = "Logistics.Gauges";

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<GaugeQuery> _queries;
    private readonly MetricsOptions _options;
    private readonly ILogger<GaugeSampler> _logger;
    private readonly ConcurrentDictionary<string, Measurement<double>[]> _latest = new();

    public GaugeSampler(NpgsqlDataSource dataSource, IEnumerable<GaugeQuery> queries, MetricsOptions options, IMeterFactory meters,
        TimeProvider clock, ILogger<GaugeSampler> logger) : base(clock, logger)
    {
        _dataSource = dataSource;
        _queries = queries.ToList();
        _options = options;
        _logger = logger;
        var meter = meters.Create(MeterName);
        foreach (var query in _queries)
        {
            var name = query.Name;
            meter.CreateObservableGauge(name, () => _latest.TryGetValue(name, out var m) ? m : [], query.Unit, query.Description);
        }
    }

    protected override TimeSpan Interval => _options.SampleInterval;

    protected override string Name => "Metrics sampling";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        if (_queries.Count == 0) return;
        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        var now = Clock.GetUtcNow();
        foreach (var query in _queries)
        {
            try
            {
                _latest[query.Name] = await ReadAsync(conn, query, now, ct);
            }
            catch (PostgresException e)
            {
                // A wrong query is a bug, not an outage: say which one, keep sampling the others.
                _logger.LogError("Gauge {Gauge} could not be read: {Error}", query.Name, e.MessageText);
            }
        }
    }

    private static async Task<Measurement<double>[]> ReadAsync(NpgsqlConnection conn, GaugeQuery query, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(query.Sql, conn);
        if (query.Sql.Contains("$1", StringComparison.Ordinal)) cmd.Parameters.Add(new() { Value = now });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var measurements = new List<Measurement<double>>();
        while (await reader.ReadAsync(ct))
        {
            var value = reader.IsDBNull(0) ? 0 : Convert.ToDouble(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            var tags = new KeyValuePair<string, object?>[reader.FieldCount - 1];
            for (var i = 1; i < reader.FieldCount; i++)
                tags[i - 1] = new(reader.GetName(i), reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString());
            measurements.Add(new Measurement<double>(value, tags));
        }
        return [.. measurements];
    }
}
