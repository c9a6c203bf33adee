namespace Logistics.Inventory.Domain.Stock;

/// <summary>
/// One centre's row of the stock report: every part's level summed (units), and the backorders waiting (reservations)
/// by age: under 1 day, 1 to 3 days, 3 to 7 days, 7 days or more (a bucket includes its lower bound). A flat record.
/// </summary>
public sealed record StockReportRow(
    string CentreId, long OnHand, long Reserved, long InTransit, long Faulty, long Quarantined,
    long BackordersUnder1Day, long Backorders1To3Days, long Backorders3To7Days, long Backorders7DaysOrMore, long BackorderedUnits)
{
    public long Available => OnHand - Reserved;
}
