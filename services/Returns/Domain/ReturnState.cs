using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>
/// Where a faulty-part return stands (docs/state-machines.md "Faulty-part return"). Each transition is one method of <see cref="FaultyReturn"/>:
/// <list type="table">
/// <item><term>(none) → Open</term><description><see cref="FaultyReturn.OpenForSwap"/> (the swap), <see cref="FaultyReturn.OpenForDeadUnit"/> (an approved DOA claim).</description></item>
/// <item><term>Open → Packed</term><description><see cref="FaultyReturn.Pack"/>: the holding engineer confirms the ESD packing and the fault tag.</description></item>
/// <item><term>Packed → Shipped</term><description><see cref="FaultyReturn.Ship"/>.</description></item>
/// <item><term>Shipped → Received</term><description><see cref="FaultyReturn.Receive"/>: the centre signed an engineer-to-centre receipt.</description></item>
/// <item><term>Received → Inspected → Closed</term><description><see cref="FaultyReturn.Inspect"/>: nothing is left to do after the inspection, so the
/// same command closes the return; both transitions are kept in <see cref="FaultyReturn.History"/>.</description></item>
/// </list>
/// Overdue, escalated and unreturned are flags (<see cref="FaultyReturn.MarkDeadlinesPassed"/>), not states. Closed is final;
/// Inspected is never a resting state.
/// </summary>
public enum ReturnState
{
    Open,
    Packed,
    Shipped,
    Received,
    Inspected,
    Closed,
}

/// <summary>Why the part comes back, which decides its fault tag category code and its deadline.</summary>
public enum ReturnKind
{
    /// <summary>The faulty part removed in a swap (fault tag F006, due 10 days after the replacement was signed for).</summary>
    Swap,

    /// <summary>The dead unit of an approved DOA claim (fault tag F003, due 30 days after the replacement shipped).</summary>
    DeadUnit,
}

/// <summary>The warehouse's finding (docs/domain.md): where inventory moves the part.</summary>
public enum InspectionResult
{
    /// <summary><c>confirmed-fault</c>: quarantined.</summary>
    ConfirmedFault,

    /// <summary><c>no-fault-found</c>: back on the shelf after test, into a bin.</summary>
    NoFaultFound,

    /// <summary><c>damaged-in-transit</c>: scrapped.</summary>
    DamagedInTransit,
}

/// <summary>
/// Steps kept in a return's history only (the published ones are <see cref="Logistics.Events.V1.ReturnSteps"/>, on the
/// wire as ReturnChanged.step).
/// </summary>
public static class ReturnHistorySteps
{
    /// <summary>The inspection closes the return in the same command (ReturnChanged says "inspected").</summary>
    public const string Closed = "closed";

    /// <summary>A dead unit's deadline restarted from the replacement's shipment.</summary>
    public const string Rescheduled = "rescheduled";

    /// <summary>Whether a step goes out as a ReturnChanged event.</summary>
    public static bool IsPublished(string step) => step is not (Closed or Rescheduled);
}

/// <summary>One step in a return's life: what happened, the state after it, who, when.</summary>
public sealed record ReturnStep(string Step, ReturnState State, string By, DateTimeOffset At, string Note = "");

/// <summary>Who marks what nobody did on time.</summary>
public static class ReturnActors
{
    public const string System = "system";
}

public static class ReturnStates
{
    private static readonly IReadOnlyList<ReturnState> All =
        [ReturnState.Open, ReturnState.Packed, ReturnState.Shipped, ReturnState.Received, ReturnState.Inspected, ReturnState.Closed];

    /// <summary>A state by its name (any case), e.g. for a list filter.</summary>
    public static ReturnState Parse(string? name, string field = "state")
    {
        foreach (var state in All)
            if (string.Equals(state.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase)) return state;
        throw new InvalidFieldException(field, $"'{name}' is not a return state ({string.Join(", ", All)})");
    }
}
