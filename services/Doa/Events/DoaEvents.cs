using Google.Protobuf.WellKnownTypes;
using Logistics.Doa.Domain;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Npgsql;

namespace Logistics.Doa.Events;

/// <summary>The integration events doa publishes, through the outbox in the transaction of the change.</summary>
public static class DoaEvents
{
    /// <summary>
    /// One DoaClaimChanged per transition, in order; an approval also publishes DoaClaimApproved (before its
    /// DoaClaimChanged), which makes requests create the replacement and returns open the dead-unit return.
    /// </summary>
    public static async Task PublishAsync(NpgsqlTransaction tx, DoaClaim claim, IReadOnlyList<DoaTransition> transitions, CancellationToken ct)
    {
        foreach (var transition in transitions)
        {
            if (transition.To == DoaClaimState.Approved)
                await Outbox.EnqueueAsync(tx, EventTopics.DoaClaimApproved, Approved(claim), ct);
            await Outbox.EnqueueAsync(tx, EventTopics.DoaClaimChanged, Changed(claim, transition), ct);
        }
    }

    public static DoaClaimApproved Approved(DoaClaim claim) => new()
    {
        ClaimId = claim.ClaimId,
        RequestId = claim.RequestId,
        Serial = claim.Serial,
        CentreId = claim.CentreId,
        PartNumber = claim.PartNumber,
        SiteId = claim.SiteId,
        TicketId = claim.TicketId,
        EngineerId = claim.EngineerId,
        ApprovedBy = claim.DecidedBy ?? "",
        ApprovedAt = claim.DecidedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        ReplacementRequestId = claim.ReplacementRequestId ?? "",
    };

    /// <summary>The claim as it is after <paramref name="transition"/>; result is set on the inspected and closed steps.</summary>
    public static DoaClaimChanged Changed(DoaClaim claim, DoaTransition transition) => new()
    {
        ClaimId = claim.ClaimId,
        Step = transition.Step,
        State = transition.To.ToString(),
        Serial = claim.Serial,
        RequestId = claim.RequestId,
        ReplacementRequestId = claim.ReplacementRequestId ?? "",
        ReplacementSerial = claim.ReplacementSerial ?? "",
        CentreId = claim.CentreId,
        PartNumber = claim.PartNumber,
        SiteId = claim.SiteId,
        By = transition.By,
        Cause = claim.Cause.Code(),
        Result = transition.To is DoaClaimState.Inspected or DoaClaimState.Closed && claim.Inspection is { } inspection ? inspection.Result.Code() : "",
        OccurredAt = Timestamp.FromDateTimeOffset(transition.At),
    };
}
