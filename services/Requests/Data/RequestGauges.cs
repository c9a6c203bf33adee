using Logistics.Hosting.Telemetry;

namespace Logistics.Requests.Data;

/// <summary>Requests that may miss, or have missed, their ship-by: what a supervisor must act on now.</summary>
public static class RequestGauges
{
    /// <summary>Not yet shipped (the states that can still ship). Stored as the state's name.</summary>
    private const string Unshipped = "state IN ('Submitted', 'Approved', 'Reserved', 'Backordered')";

    /// <summary>How far ahead a ship-by puts a request at risk.</summary>
    public static readonly TimeSpan AtRiskWindow = TimeSpan.FromMinutes(30);

    public static IServiceCollection AddRequestGauges(this IServiceCollection services)
    {
        services.AddGauge(new GaugeQuery("logistics.requests.at_risk", "{request}",
            "Unshipped requests whose ship-by falls within the next 30 minutes",
            $"SELECT count(*) FROM part_requests WHERE {Unshipped} AND ship_by >= $1 AND ship_by < $1 + interval '{AtRiskWindow.TotalMinutes} minutes'"));
        services.AddGauge(new GaugeQuery("logistics.requests.late", "{request}",
            "Unshipped requests whose ship-by has passed",
            $"SELECT count(*) FROM part_requests WHERE {Unshipped} AND ship_by < $1"));
        return services;
    }
}
