using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Stock;

public enum ReservationState
{
    Reserved,
    Backordered,
    Released,
    Shipped,
}

/// <summary>Units of a part held at a centre for a request (or waiting for stock, when backordered).</summary>
public sealed record Reservation(
    string CentreId,
    string ReservationId,
    string PartNumber,
    int Quantity,
    string Reference,
    ReservationState State,
    ServiceLevel ServiceLevel,
    DateTimeOffset RequestedAt)
{
    /// <summary>Later than any requested-at in milliseconds (year 2286), so the rank always dominates the score.</summary>
    public const long RankWeight = 10_000_000_000_000;

    /// <summary>
    /// A backorder's place in the queue (lowest first): fastest service level first, then oldest.
    /// A double holds it exactly (below 2^53).
    /// </summary>
    public static long BackorderPriority(ServiceLevel level, DateTimeOffset requestedAt, string field = "requested_at")
    {
        var ms = requestedAt.ToUnixTimeMilliseconds();
        if (ms < 0 || ms >= RankWeight) throw new InvalidFieldException(field, $"{requestedAt:O} is out of range");
        return level.Rank * RankWeight + ms;
    }
}
