using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Domain;
using Npgsql;

namespace Logistics.Returns.Events;

/// <summary>The integration events returns publishes, made from a return and one of its steps.</summary>
public static class ReturnEvents
{
    /// <summary>
    /// Publishes the steps a command added to <paramref name="r"/> (ReturnChanged each, ReturnInspected for an inspection)
    /// through the outbox, in the transaction that saved it.
    /// </summary>
    public static async Task PublishNewStepsAsync(NpgsqlTransaction tx, FaultyReturn r, CancellationToken ct)
    {
        foreach (var step in r.NewSteps.Where(s => ReturnHistorySteps.IsPublished(s.Step)))
        {
            await Outbox.EnqueueAsync(tx, EventTopics.ReturnChanged, Changed(r, step), ct);
            if (step.Step == ReturnSteps.Inspected)
                await Outbox.EnqueueAsync(tx, EventTopics.ReturnInspected, Inspected(r), ct);
        }
    }

    /// <summary>
    /// ReturnChanged for a step, every field filled from the return as it is after the command (so <c>state</c> is the state
    /// after it: the inspection says "inspected" with state Closed, since the same command closes the return).
    /// </summary>
    public static ReturnChanged Changed(FaultyReturn r, ReturnStep step) => new()
    {
        ReturnId = r.ReturnId,
        Step = step.Step,
        State = r.State.ToString(),
        RequestId = r.RequestId,
        DoaClaimId = r.DoaClaimId,
        EngineerId = r.EngineerId,
        CentreId = r.CentreId,
        PartNumber = r.PartNumber,
        Serial = r.Serial,
        ReplacementSerial = r.ReplacementSerial,
        DueAt = Timestamp.FromDateTimeOffset(r.DueAt),
        Overdue = r.Overdue,
        Unreturned = r.Unreturned,
        EsdNonCompliant = r.EsdNonCompliant,
        Carrier = r.Carrier,
        TrackingNo = r.TrackingNo,
        ReceiptId = r.ReceiptId,
        By = step.By,
        OccurredAt = Timestamp.FromDateTimeOffset(step.At),
        CategoryCode = r.FaultTag?.CategoryCode ?? r.ExpectedCategoryCode,
        SiteId = r.SiteId,
    };

    /// <summary>ReturnInspected: inventory moves the part (quarantined, back on the shelf into <c>bin</c>, scrapped).</summary>
    public static ReturnInspected Inspected(FaultyReturn r) => new()
    {
        ReturnId = r.ReturnId,
        CentreId = r.CentreId,
        PartNumber = r.PartNumber,
        Serial = r.Serial,
        Result = r.InspectionResult?.Code() ?? throw new InvalidOperationException($"return {r.ReturnId} is not inspected"),
        Bin = r.InspectionBin,
        InspectedAt = Timestamp.FromDateTimeOffset(r.InspectedAt!.Value),
        RequestId = r.RequestId,
        DoaClaimId = r.DoaClaimId,
        EngineerId = r.EngineerId,
        InspectedBy = r.InspectedBy,
        Note = r.InspectionNote,
    };
}
