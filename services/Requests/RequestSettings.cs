using System.ComponentModel.DataAnnotations;
using Logistics.Hosting.Settings;
using Logistics.Requests.Domain;

namespace Logistics.Requests;

/// <summary>
/// Configuration section "Requests": the numbers of <see cref="RequestPolicy"/> a deployment may change
/// (Requests__OpenRequestQuota, Requests__MaxAutoApprovedQuantity). Left out, the defaults of the domain apply; a
/// negative number stops the service at start.
/// </summary>
public sealed class RequestSettings : IServiceSettings
{
    public static string Section => "Requests";

    [Range(0, int.MaxValue)]
    public int OpenRequestQuota { get; set; } = RequestPolicy.Default.OpenRequestQuota;

    [Range(0, int.MaxValue)]
    public int MaxAutoApprovedQuantity { get; set; } = RequestPolicy.Default.MaxAutoApprovedQuantity;

    public RequestPolicy Policy => RequestPolicy.Default with { OpenRequestQuota = OpenRequestQuota, MaxAutoApprovedQuantity = MaxAutoApprovedQuantity };
}
