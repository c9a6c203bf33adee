using System.Text.RegularExpressions;
using Logistics.SharedKernel;

namespace Logistics.Custody.Domain;

/// <summary>
/// A supervisor's resolution of an anomaly: who, what they found and did, when. It is recorded beside the anomaly; the
/// anomaly and the custody events stay as they were (a resolution explains a break, it does not rewrite the chain).
/// </summary>
public sealed partial record AnomalyResolution(string AnomalyId, string ResolvedBy, string Note, DateTimeOffset ResolvedAt)
{
    public const int MaxNoteLength = 1000;

    /// <summary>Checks the request's fields (the anomaly id as custody makes them, a note) or throws naming the field.</summary>
    public static AnomalyResolution Create(string? anomalyId, string? note, string resolvedBy, DateTimeOffset at)
    {
        var id = anomalyId?.Trim() ?? "";
        if (id.Length == 0) throw new InvalidFieldException("anomaly_id", "is required");
        if (!IdPattern().IsMatch(id)) throw new InvalidFieldException("anomaly_id", "is not an anomaly id (AN- and 32 hex digits)");
        return new AnomalyResolution(id, resolvedBy, Require.Text(note, "note", MaxNoteLength), at);
    }

    [GeneratedRegex("^AN-[0-9a-f]{32}$")]
    private static partial Regex IdPattern();
}
