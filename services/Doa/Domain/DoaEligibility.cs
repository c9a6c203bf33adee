using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>
/// Whether a unit may be claimed DOA (docs/domain.md "DOA claim": delivered to that site, within the window, no earlier claim,
/// site not yet accepted). A pure function of the filing and the facts: the unit's delivery (from receipt-signed) and
/// the claims filed before for it. An ineligible claim is refused with the reason; the checks run in this order and the
/// first that fails is the one reported:
/// <list type="number">
/// <item>the serial was delivered on that request (FAILED_PRECONDITION);</item>
/// <item>an engineer files only for a unit delivered to them (PERMISSION_DENIED);</item>
/// <item>no earlier claim for the serial that was not rejected (FAILED_PRECONDITION);</item>
/// <item>the site had not passed preliminary acceptance when the failure was detected (FAILED_PRECONDITION);</item>
/// <item>the failure was detected within the window: after delivery for unboxing, after first power-on otherwise (FAILED_PRECONDITION);</item>
/// <item>the detection and first power-on are not earlier than <see cref="DoaPolicy.BeforeSigning"/> before the delivery
/// (INVALID_ARGUMENT: a time that cannot be true of this delivery). Judged last, so a first power-on days ago is reported
/// as outside the window, the reason a person acts on.</item>
/// </list>
/// </summary>
public static class DoaEligibility
{
    /// <summary>Returns the delivery the claim is for, or throws the reason it is refused.</summary>
    public static Delivery Check(ValidDoaFiling filing, Filer filer, Delivery? delivery, IEnumerable<EarlierClaim> earlierClaims, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(filing);
        ArgumentNullException.ThrowIfNull(filer);
        ArgumentNullException.ThrowIfNull(earlierClaims);
        ArgumentNullException.ThrowIfNull(policy);
        var (serial, requestId) = (filing.Serial, filing.RequestId);

        if (delivery is null || delivery.Serial != serial || delivery.RequestId != requestId)
            throw new RuleViolationException($"serial {serial} was not delivered on request {requestId}");

        if (!filer.IsDeliveryManager && filer.UserId != delivery.EngineerId)
            throw new NotAllowedException(
                $"serial {serial} on request {requestId} was delivered to {delivery.EngineerId}; an engineer may only file a claim for a unit delivered to them");

        var open = earlierClaims.FirstOrDefault(c => c.State != DoaClaimState.Rejected);
        if (open is not null) throw new RuleViolationException($"serial {serial} already has claim {open.ClaimId}");

        if (filing.SiteAcceptedAt is { } accepted && accepted <= filing.DetectedOn)
            throw new RuleViolationException(
                $"site {delivery.SiteId} passed preliminary acceptance at {DoaFiling.Show(accepted)}, before the failure was detected at " +
                $"{DoaFiling.Show(filing.DetectedOn)}; a DOA claim must come before acceptance");

        if (filing.DetectedAt == DetectionPoint.Unboxing)
        {
            if (filing.DetectedOn > delivery.DeliveredAt + policy.Window)
                throw new RuleViolationException(
                    $"outside the DOA window: serial {serial} was detected at {DoaFiling.Show(filing.DetectedOn)}, more than {policy.WindowText} " +
                    $"after its delivery at {DoaFiling.Show(delivery.DeliveredAt)}");
        }
        else if (filing.DetectedOn > filing.FirstPowerOnAt!.Value + policy.Window)
        {
            throw new RuleViolationException(
                $"outside the DOA window: serial {serial} was detected at {DoaFiling.Show(filing.DetectedOn)}, more than {policy.WindowText} " +
                $"after its first power-on at {DoaFiling.Show(filing.FirstPowerOnAt.Value)}");
        }

        var earliest = delivery.DeliveredAt - policy.BeforeSigning;
        if (filing.DetectedOn < earliest)
            throw new InvalidFieldException("detected_on", $"{DoaFiling.Show(filing.DetectedOn)} is more than {DoaPolicy.Hours(policy.BeforeSigning)} " +
                $"before serial {serial} was signed for at {DoaFiling.Show(delivery.DeliveredAt)}");
        if (filing.FirstPowerOnAt is { } firstPowerOn && firstPowerOn < earliest)
            throw new InvalidFieldException("first_power_on_at", $"{DoaFiling.Show(firstPowerOn)} is more than {DoaPolicy.Hours(policy.BeforeSigning)} " +
                $"before serial {serial} was signed for at {DoaFiling.Show(delivery.DeliveredAt)}");
        return delivery;
    }
}
