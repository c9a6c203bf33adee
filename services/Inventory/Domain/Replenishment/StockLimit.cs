using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Replenishment;

/// <summary>
/// The min/max of one part at one centre: at or below the reorder point (min) a proposal brings the part back up to
/// order-up-to (max).
/// </summary>
public sealed record StockLimit(string CentreId, string PartNumber, int ReorderPoint, int OrderUpTo, string SetBy, DateTimeOffset SetAt)
{
    /// <summary>Checks a min/max as asked; INVALID_ARGUMENT naming the field. Max may equal min (order exactly back to it).</summary>
    public static (int ReorderPoint, int OrderUpTo) Check(long reorderPoint, long orderUpTo)
    {
        var min = Quantities.CheckCounted(reorderPoint, "reorder_point");
        var max = Quantities.Check(orderUpTo, "order_up_to");
        if (max < min) throw new InvalidFieldException("order_up_to", $"must be at least the reorder point {min} (was {max})");
        return (min, max);
    }
}
