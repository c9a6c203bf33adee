using Logistics.Hosting.Telemetry;

namespace Logistics.Inventory.Data;

/// <summary>
/// Reservations and backorders still waiting, and stock counts still open. Reservations are read from the movement
/// ledger (each reservation's last movement says where it stands), through the index of migration 0009; Redis has no
/// index of them across centres.
/// </summary>
public static class InventoryGauges
{
    private const string Waiting =
        """
        WITH last AS (
            SELECT DISTINCT ON (reservation_id) kind, occurred_at
            FROM movements WHERE reservation_id <> '' ORDER BY reservation_id, sequence DESC
        )
        SELECT {0}, k.kind AS state
        FROM (VALUES ('reserved'), ('backordered')) AS k(kind) LEFT JOIN last ON last.kind = k.kind
        GROUP BY k.kind
        """;

    public static IServiceCollection AddInventoryGauges(this IServiceCollection services)
    {
        services.AddGauge(new GaugeQuery("logistics.inventory.reservations", "{reservation}",
            "Reservations held (state=reserved) and backorders waiting for stock (state=backordered)",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Waiting, "count(last.kind)")));
        services.AddGauge(new GaugeQuery("logistics.inventory.reservations.oldest.age", "s",
            "Age of the oldest reservation held or backorder waiting, per state (0 when none)",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Waiting, "coalesce(extract(epoch FROM $1 - min(last.occurred_at)), 0)")));
        services.AddGauge(new GaugeQuery("logistics.inventory.counts.open", "{count}",
            "Stock counts neither completed nor cancelled",
            "SELECT count(*) FROM counts WHERE state NOT IN ('Completed', 'Cancelled')"));
        return services;
    }
}
