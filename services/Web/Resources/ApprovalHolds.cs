using Logistics.Requests.V1;
using Microsoft.Extensions.Localization;

namespace Logistics.Web.Resources;

/// <summary>
/// Why a request waits for a supervisor, in the reader's language: the service sends each reason as a code with its
/// figures. A request submitted before the reasons were kept as data has only the service's English, shown as sent.
/// </summary>
public static class ApprovalHolds
{
    public static string WhyWaiting(this IStringLocalizer localizer, PartRequest request) =>
        request.ApprovalHolds.Count == 0
            ? request.AwaitingApprovalBecause
            : string.Join(localizer["; "].Value, request.ApprovalHolds.Select(h => Reason(localizer, h)));

    private static string Reason(IStringLocalizer localizer, ApprovalHold hold) => hold.Code switch
    {
        "open-request-quota" => localizer["the engineer has {0} open requests (quota {1})", hold.Value, hold.Limit],
        "quantity-above-automatic" => localizer["quantity {0} is above {1} per line", hold.Value, hold.Limit],
        "faulty-part-overdue" => localizer["the engineer holds a faulty part whose return is overdue"],
        _ => hold.Code, // a reason newer than this console: its code, rather than nothing
    };
}
