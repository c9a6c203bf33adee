namespace Logistics.Requests.Domain;

/// <summary>
/// One row of the service-level report: a week (ISO, Monday start, in the centre's zone), a centre and a service level,
/// with the ship-by and deliver-by deadlines of that week met and missed. A flat record, one CSV row as it stands.
/// </summary>
public sealed record ServiceLevelReportRow(
    DateOnly WeekStart, string IsoWeek, string CentreId, string ServiceLevel,
    long ShipOnTime, long ShipLate, long DeliverOnTime, long DeliverLate)
{
    public long ShipDue => ShipOnTime + ShipLate;
    public long DeliverDue => DeliverOnTime + DeliverLate;
    public double? ShipOnTimePercent => OnTimePercent(ShipOnTime, ShipDue);
    public double? DeliverOnTimePercent => OnTimePercent(DeliverOnTime, DeliverDue);

    /// <summary>Met of due as a percentage to one decimal; none when nothing was due (no denominator, not 0 % or 100 %).</summary>
    public static double? OnTimePercent(long onTime, long due) =>
        due == 0 ? null : Math.Round(100.0 * onTime / due, 1, MidpointRounding.AwayFromZero);
}
