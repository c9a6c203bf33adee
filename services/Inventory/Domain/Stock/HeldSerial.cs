namespace Logistics.Inventory.Domain.Stock;

/// <summary>
/// A serial a centre holds: on hand (in <paramref name="Bin"/>), faulty, quarantined, or in transit from the
/// centre (for <paramref name="ReservationId"/>).
/// </summary>
public sealed record HeldSerial(string Serial, SerialPlace Place, string Bin, string ReservationId);
