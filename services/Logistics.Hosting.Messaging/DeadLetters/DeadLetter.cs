using Logistics.SharedKernel;

namespace Logistics.Hosting.Messaging.DeadLetters;

public enum DeadLetterState { Waiting, Replayed, Discarded }

/// <summary>Replayed: the event was applied now, or had been applied before (then nothing was applied again).</summary>
public enum ReplayOutcome { Applied, AlreadyApplied }

/// <summary>The original event as it reached the dead-letter topic.</summary>
public sealed record DeadEvent(string EventId, string Topic, string Type, string Source, string DataContentType, string Data);

/// <summary>What was decided about a dead letter: by whom, when, and (discarded) why or (replayed) with what outcome.</summary>
public sealed record DeadLetterDecision(string By, DateTimeOffset At, string DiscardReason = "", ReplayOutcome? Replay = null);

/// <summary>
/// An event a service could not apply, kept for a person: it waits until an admin replays it (once) or discards it with
/// a reason. Plain rules, no I/O.
/// </summary>
public sealed record DeadLetter(
    Guid Id, long Seq, DeadEvent Event, string Error, int Attempts, int Arrivals, DateTimeOffset ReceivedAt,
    DeadLetterState State, DeadLetterDecision? Decision)
{
    public const int MaxReasonLength = 500;

    public static string StateName(DeadLetterState state) => state switch
    {
        DeadLetterState.Waiting => "waiting",
        DeadLetterState.Replayed => "replayed",
        DeadLetterState.Discarded => "discarded",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static DeadLetterState ParseState(string name) => name switch
    {
        "waiting" => DeadLetterState.Waiting,
        "replayed" => DeadLetterState.Replayed,
        "discarded" => DeadLetterState.Discarded,
        _ => throw new InvalidFieldException("state", "must be waiting, replayed or discarded (or left out for all)"),
    };

    public static string OutcomeName(ReplayOutcome outcome) => outcome == ReplayOutcome.Applied ? "applied" : "already-applied";

    public static ReplayOutcome ParseOutcome(string name) => name == "applied" ? ReplayOutcome.Applied : ReplayOutcome.AlreadyApplied;

    /// <summary>The API's id: a UUID, checked before anything is looked up.</summary>
    public static Guid ParseId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? throw new InvalidFieldException("dead_letter_id", "is required")
        : Guid.TryParseExact(id, "D", out var guid) ? guid
        : throw new InvalidFieldException("dead_letter_id", "must be a UUID like 3f2b8c1e-7a4d-4e5f-9a10-2b3c4d5e6f70");

    /// <summary>A reason is required, one line or several, 1-500 characters.</summary>
    public static string CheckReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new InvalidFieldException("reason", "is required: say why the event is given up");
        var text = reason.Trim();
        if (text.Length > MaxReasonLength) throw new InvalidFieldException("reason", $"is longer than {MaxReasonLength} characters");
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            throw new InvalidFieldException("reason", "contains control characters");
        return text;
    }

    /// <summary>Replaying is allowed once, and only while the letter waits; the caller applies the event in the same transaction.</summary>
    public DeadLetter Replayed(string by, DateTimeOffset at, ReplayOutcome outcome)
    {
        RequireWaiting("replayed");
        return this with { State = DeadLetterState.Replayed, Decision = new DeadLetterDecision(by, at, Replay: outcome) };
    }

    public DeadLetter Discarded(string by, DateTimeOffset at, string reason)
    {
        var checkedReason = CheckReason(reason);
        RequireWaiting("discarded");
        return this with { State = DeadLetterState.Discarded, Decision = new DeadLetterDecision(by, at, DiscardReason: checkedReason) };
    }

    public void RequireWaiting(string wanted)
    {
        if (State == DeadLetterState.Waiting) return;
        var decision = Decision is { } d ? $" by {d.By} at {d.At:yyyy-MM-dd HH:mm:ss}Z" : "";
        throw new RuleViolationException($"dead letter {Id} was already {StateName(State)}{decision}; only a waiting one can be {wanted}");
    }
}
