using Logistics.Hosting.Telemetry;

namespace Logistics.Returns.Data;

public static class ReturnGauges
{
    public static IServiceCollection AddReturnGauges(this IServiceCollection services) =>
        // Outstanding (not yet received) and past due: what the overdue job flags, read from the deadline itself so the
        // gauge does not wait for the job's next round.
        services.AddGauge(new GaugeQuery("logistics.returns.overdue", "{return}",
            "Faulty-part returns not yet received whose due date has passed",
            "SELECT count(*) FROM returns WHERE state IN ('Open', 'Packed', 'Shipped') AND due_at < $1"));
}
