namespace Logistics.Returns.Domain;

/// <summary>
/// The deadlines of faulty-part returns (docs/domain.md "Faulty-part return" and "DOA claim"; every number is a default a
/// deployment can change, config section <c>Returns</c>). Each return's deadline clock starts at one moment:
/// a swap's when the replacement was signed for, a dead unit's when the replacement shipped (until that is known, when
/// the claim was approved). Then:
/// <list type="bullet">
/// <item>due = start + <see cref="SwapReturnWithin"/> (swap) or <see cref="DeadUnitReturnWithin"/> (dead unit);</item>
/// <item>overdue (and escalated to the supervisor, once) when now &gt; due and it has not been received;</item>
/// <item>unreturned when now &gt; max(due, start + <see cref="UnreturnedAfter"/>) and it has not been received:
/// with the defaults 30 days after the replacement was signed for (a swap), and at the due date itself for a dead unit.</item>
/// </list>
/// All three periods count calendar time (elapsed days; weekends and holidays count, in every zone: docs/time.md).
/// </summary>
/// <param name="SwapReturnWithin">Default 10 calendar days (vendors use 10 to 15).</param>
/// <param name="DeadUnitReturnWithin">Default 30 calendar days.</param>
/// <param name="UnreturnedAfter">Default 30 calendar days.</param>
public sealed record ReturnPolicy(TimeSpan SwapReturnWithin, TimeSpan DeadUnitReturnWithin, TimeSpan UnreturnedAfter)
{
    public static ReturnPolicy Default { get; } = new(TimeSpan.FromDays(10), TimeSpan.FromDays(30), TimeSpan.FromDays(30));

    /// <summary>Refuses a policy that could not be meant (a zero or negative period).</summary>
    public ReturnPolicy Checked()
    {
        if (SwapReturnWithin <= TimeSpan.Zero) throw new ArgumentException($"SwapReturnWithin must be positive (was {SwapReturnWithin})");
        if (DeadUnitReturnWithin <= TimeSpan.Zero) throw new ArgumentException($"DeadUnitReturnWithin must be positive (was {DeadUnitReturnWithin})");
        if (UnreturnedAfter <= TimeSpan.Zero) throw new ArgumentException($"UnreturnedAfter must be positive (was {UnreturnedAfter})");
        return this;
    }

    public (DateTimeOffset DueAt, DateTimeOffset UnreturnedAt) Deadlines(ReturnKind kind, DateTimeOffset clockStart)
    {
        var due = clockStart + (kind == ReturnKind.DeadUnit ? DeadUnitReturnWithin : SwapReturnWithin);
        var unreturned = clockStart + UnreturnedAfter;
        return (due, unreturned > due ? unreturned : due);
    }
}
