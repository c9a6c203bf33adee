namespace Logistics.Web.Inbox;

/// <summary>What kind of work an inbox item is.</summary>
public enum InboxKind { Approval, DoaClaim, ReturnDue, ShipSoon, Recount, CountReview, Anomaly, LostInTransit }

/// <summary>One piece of work waiting for a user. <see cref="Key"/> names it for the user's read / done marks.</summary>
public sealed record InboxItem(string Key, InboxKind Kind, string Subject, string Detail, string Href, DateTimeOffset? Due, DateTimeOffset? Since);

/// <summary>A user's marks on one item.</summary>
public sealed record InboxMark(bool Read, bool Done);

/// <summary>
/// The rules of the inbox: what waits for whom and when it is due soon. Plain C#, no I/O: the reader feeds it what
/// the API answered and the current time.
/// </summary>
public static class InboxRules
{
    /// <summary>An engineer is told about a return from two days before it is due.</summary>
    public static readonly TimeSpan ReturnDueWithin = TimeSpan.FromDays(2);

    /// <summary>Warehouse staff are told about a shipment from 30 minutes before its ship-by.</summary>
    public static readonly TimeSpan ShipWithin = TimeSpan.FromMinutes(30);

    /// <summary>A Submitted request waits for a supervisor, but never for the one who requested it.</summary>
    public static bool AwaitsApproval(string state, string engineerId, string userId) =>
        state == "Submitted" && engineerId != userId;

    /// <summary>A Filed claim waits for a delivery manager other than the one who filed it.</summary>
    public static bool AwaitsDecision(string state, string filedBy, string userId) =>
        state == "Filed" && filedBy != userId;

    /// <summary>A return not yet shipped back is due soon within two days of its due date, or is overdue.</summary>
    public static bool ReturnDueSoon(string state, DateTimeOffset? dueAt, bool overdue, DateTimeOffset now) =>
        state is "Open" or "Packed" && (overdue || (dueAt is { } due && due - now <= ReturnDueWithin));

    /// <summary>A reserved request (ready to pack) whose ship-by is within 30 minutes or already past.</summary>
    public static bool ShipSoon(string state, DateTimeOffset? shipBy, DateTimeOffset now) =>
        state == "Reserved" && shipBy is { } by && by - now <= ShipWithin;

    /// <summary>What a count in this state asks of a user with these roles: warehouse staff recount, supervisors review.</summary>
    public static InboxKind? CountWork(string state, IReadOnlySet<string> roles) => state switch
    {
        "Recounting" when roles.Contains("warehouse") => InboxKind.Recount,
        "ReadyToReview" when roles.Contains("supervisor") => InboxKind.CountReview,
        _ => null,
    };

    /// <summary>
    /// A lost-in-transit investigation waits for whoever acts next (docs/lost-in-transit.md): Open, for a delivery manager or
    /// warehouse staff to file the carrier claim; LossProposed, for a supervisor other than the proposer to approve.
    /// </summary>
    public static bool AwaitsTransitAction(string state, string proposedBy, string userId, IReadOnlySet<string> roles) => state switch
    {
        "Open" => roles.Contains("delivery-manager") || roles.Contains("warehouse"),
        "LossProposed" => roles.Contains("supervisor") && proposedBy != userId,
        _ => false,
    };

    /// <summary>Anomalies are for supervisors and auditors.</summary>
    public static bool SeesAnomalies(IReadOnlySet<string> roles) => roles.Contains("supervisor") || roles.Contains("auditor");

    /// <summary>
    /// The key of an item for the marks. A count's key carries its state: a count sent back for a recount after its
    /// review is new work, not the item the user hid before.
    /// </summary>
    public static string KeyOf(InboxKind kind, string id, string? state = null) =>
        kind switch
        {
            InboxKind.Recount or InboxKind.CountReview => $"count:{id}:{state}",
            InboxKind.LostInTransit => $"transit:{id}:{state}", // a proposed loss is new work for the supervisor
            _ => $"{kind.ToString().ToLowerInvariant()}:{id}",
        };

    /// <summary>What the user sees: items not marked done, most urgent first (due soonest, then oldest).</summary>
    public static IReadOnlyList<InboxItem> Visible(IEnumerable<InboxItem> items, IReadOnlyDictionary<string, InboxMark> marks) =>
        items.Where(i => !(marks.TryGetValue(i.Key, out var m) && m.Done))
            .OrderBy(i => i.Due ?? DateTimeOffset.MaxValue)
            .ThenBy(i => i.Since ?? DateTimeOffset.MaxValue)
            .ThenBy(i => i.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The notification keys a user's inbox listens to: events about their own records, their centres, and the work
    /// of their roles (<see cref="KeysOfTopic"/>).
    /// </summary>
    public static IReadOnlyList<string> WatchKeys(string userId, IReadOnlySet<string> roles, IEnumerable<string> centres) =>
        [$"engineer:{userId}", .. centres.Select(c => $"centre:{c}"), .. roles.Select(r => $"inbox:{r}")];

    /// <summary>The roles whose inboxes an event on this topic may change (beyond the centre and engineer it names).</summary>
    public static IReadOnlyList<string> KeysOfTopic(string topic) => topic switch
    {
        "part-request-submitted" or "part-request-approved" or "part-request-rejected" or "part-request-cancelled" => ["inbox:supervisor"],
        "doa-claim-changed" or "doa-claim-approved" => ["inbox:delivery-manager"],
        "custody-anomaly-detected" or "custody-anomaly-resolved" => ["inbox:supervisor", "inbox:auditor"],
        "transit-investigation-changed" => ["inbox:delivery-manager", "inbox:supervisor"],
        _ => [],
    };
}
