using Logistics.Requests.Domain;

namespace Logistics.Requests;

/// <summary>
/// Configuration section "Requests": the numbers of <see cref="RequestPolicy"/> a deployment may change
/// (Requests__OpenRequestQuota, Requests__MaxAutoApprovedQuantity). Left out, the defaults of docs/domain.md apply.
/// </summary>
public sealed class RequestSettings
{
    public const string Section = "Requests";

    public int OpenRequestQuota { get; set; } = RequestPolicy.Default.OpenRequestQuota;
    public int MaxAutoApprovedQuantity { get; set; } = RequestPolicy.Default.MaxAutoApprovedQuantity;

    /// <summary>The policy; a negative number is a configuration mistake and stops the service at start.</summary>
    public RequestPolicy ToPolicy()
    {
        if (OpenRequestQuota < 0) throw new InvalidOperationException($"{Section}:OpenRequestQuota must not be negative (was {OpenRequestQuota})");
        if (MaxAutoApprovedQuantity < 0)
            throw new InvalidOperationException($"{Section}:MaxAutoApprovedQuantity must not be negative (was {MaxAutoApprovedQuantity})");
        return RequestPolicy.Default with { OpenRequestQuota = OpenRequestQuota, MaxAutoApprovedQuantity = MaxAutoApprovedQuantity };
    }

    public static RequestPolicy PolicyFrom(IConfiguration configuration) =>
        (configuration.GetSection(Section).Get<RequestSettings>() ?? new RequestSettings()).ToPolicy();
}
