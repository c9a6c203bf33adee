namespace Logistics.Requests.Domain;

/// <summary>
/// One reason a request waits for a supervisor, as data (its code and the figures in it), so that a reader can say it in
/// its own language; <see cref="Sentence"/> is the English the API sends alongside.
/// </summary>
public sealed record ApprovalHold(string Code, int Value = 0, int Limit = 0)
{
    /// <summary>The engineer already holds <see cref="Value"/> open requests; the quota is <see cref="Limit"/>.</summary>
    public const string OpenRequestQuota = "open-request-quota";

    /// <summary>The request asks for <see cref="Value"/> units; at most <see cref="Limit"/> are approved automatically.</summary>
    public const string QuantityAboveAutomatic = "quantity-above-automatic";

    /// <summary>The engineer holds a faulty part whose return is overdue.</summary>
    public const string FaultyPartOverdue = "faulty-part-overdue";

    public string Sentence => Code switch
    {
        OpenRequestQuota => $"the engineer has {Value} open requests (quota {Limit})",
        QuantityAboveAutomatic => $"quantity {Value} is above {Limit} per line",
        FaultyPartOverdue => "the engineer holds a faulty part whose return is overdue",
        _ => Code,
    };
}
