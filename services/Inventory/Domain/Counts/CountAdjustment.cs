namespace Logistics.Inventory.Domain.Counts;

/// <summary>
/// A stock adjustment an approved count posts for one line: <paramref name="Delta"/> (counted − expected) and, for a
/// serialized part, the serials to add to the bin (seen but not on the books) and to remove (on the books, not seen).
/// Bin "" is the whole centre (a quantity-tracked part). Adjustments are deltas, so stock that moved after a line was
/// counted is not overwritten. Two adjustments are equal when every field is, serial lists compared element by element.
/// </summary>
public sealed record CountAdjustment(
    string Bin,
    string PartNumber,
    long Delta,
    IReadOnlyList<string> SerialsAdded,
    IReadOnlyList<string> SerialsRemoved,
    string ReasonCode)
{
    public CountLineKey Line => new(Bin, PartNumber);

    public bool Equals(CountAdjustment? other) =>
        other is not null
        && Bin == other.Bin && PartNumber == other.PartNumber && Delta == other.Delta && ReasonCode == other.ReasonCode
        && SerialsAdded.SequenceEqual(other.SerialsAdded, StringComparer.Ordinal)
        && SerialsRemoved.SequenceEqual(other.SerialsRemoved, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Bin, PartNumber, Delta, ReasonCode, SerialsAdded.Count, SerialsRemoved.Count);
}
