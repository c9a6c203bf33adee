namespace Logistics.Hosting.Telemetry;

/// <summary>
/// A gauge read from the service's own database by <see cref="GaugeSampler"/>, every `Metrics:SampleInterval` (not on
/// every scrape). <paramref name="Sql"/> returns rows whose first column is the value (a number) and whose other
/// columns, if any, are labels named after the column. It may use `$1`: the service clock's now (timestamptz), so
/// that "late" means what the service's rules mean by it. Keep it cheap: a count over an index.
/// </summary>
public sealed record GaugeQuery(string Name, string Unit, string Description, string Sql);
