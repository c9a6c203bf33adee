using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Receipts.Domain;
using Npgsql;

namespace Logistics.Receipts.Events;

/// <summary>The integration events receipts publishes (through the outbox, in the transaction that signs).</summary>
public static class ReceiptEvents
{
    /// <summary>Publishes <see cref="Signed"/> in the transaction that signed or corrected.</summary>
    public static Task PublishSignedAsync(NpgsqlTransaction tx, Receipt r, Shipment s, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.ReceiptSigned, Signed(r, s), ct);

    /// <summary>
    /// Units under investigation arrived (<see cref="TransitInvestigation.Arrived"/>): publishes <c>found</c> when it
    /// closed, <c>partly-found</c> (at <paramref name="at"/>) when it goes on for the rest.
    /// </summary>
    public static Task PublishArrivalAsync(NpgsqlTransaction tx, TransitInvestigation i, string by, DateTimeOffset at, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.TransitInvestigationChanged,
            InvestigationChanged(i, i.State == InvestigationState.Found ? TransitInvestigationSteps.Found : TransitInvestigationSteps.PartlyFound, by, at), ct);

    /// <summary>Publishes <see cref="InvestigationChanged"/> in the transaction that changed the investigation.</summary>
    public static Task PublishInvestigationChangedAsync(NpgsqlTransaction tx, TransitInvestigation i, string step, string by, CancellationToken ct) =>
        Outbox.EnqueueAsync(tx, EventTopics.TransitInvestigationChanged, InvestigationChanged(i, step, by), ct);

    /// <summary>
    /// Every new receipt, corrections included. <c>serials</c>/<c>quantity</c> carry only what this receipt newly signs
    /// for, so a subscriber books stock once however often a receipt is corrected; <c>signed_by</c> is the receiving
    /// party (on a correction still the one who received the goods; the corrector is on the receipt as corrected_by).
    /// </summary>
    public static ReceiptSigned Signed(Receipt r, Shipment s) => new()
    {
        ReceiptId = r.ReceiptId,
        Kind = r.Kind.Code(),
        Reference = r.Reference,
        CentreId = s.CentreId,
        PartNumber = s.PartNumber,
        Serials = { r.NewlySignedSerials },
        Quantity = r.NewlySignedQuantity,
        Faulty = s.Faulty,
        SignedBy = r.ReceivedBy,
        SignedAt = Timestamp.FromDateTimeOffset(r.SignedAt),
        HandedOverBy = r.HandedOverBy,
        SiteId = s.SiteId,
        OuterIntact = r.Packaging.OuterIntact,
        EsdBagSealed = r.Packaging.EsdBagSealed,
        Condition = r.Condition.Code(),
        DeadOnArrival = r.DeadOnArrival,
        FlaggedForDoa = r.FlaggedForDoa,
        DeclaredSerials = { r.Serials },
        DiscrepancySerials = { r.Discrepancies.Select(d => d.Serial) },
        MissingSerials = { r.MissingSerials },
        Supersedes = r.Supersedes ?? "",
        WithdrawnSerials = { r.WithdrawnSerials },
        DoaClaimId = s.DoaClaimId,
    };

    /// <summary>
    /// A step of a lost-in-transit investigation; <paramref name="by"/> is who acted ("" when the job opened it). Serials
    /// and quantity are the units under investigation (what a write-off takes), not the whole shipment.
    /// </summary>
    public static TransitInvestigationChanged InvestigationChanged(TransitInvestigation i, string step, string by, DateTimeOffset? at = null) => new()
    {
        InvestigationId = i.InvestigationId,
        Step = step,
        Reference = i.Reference,
        CentreId = i.Shipment.CentreId,
        PartNumber = i.Shipment.PartNumber,
        Serials = { i.Units.Serials },
        Quantity = i.Units.Quantity,
        EngineerId = i.Shipment.AddressedTo.Party,
        CarrierClaimReference = i.CarrierClaimReference ?? "",
        By = by,
        OccurredAt = Timestamp.FromDateTimeOffset(step switch
        {
            TransitInvestigationSteps.Found => i.ClosedAt!.Value,
            TransitInvestigationSteps.LossProposed => i.ProposedAt!.Value,
            TransitInvestigationSteps.WrittenOff => i.ApprovedAt!.Value,
            TransitInvestigationSteps.PartlyFound => at ?? throw new ArgumentNullException(nameof(at), "a partly-found step needs its time"),
            _ => i.OpenedAt,
        }),
        DeliverBy = Timestamp.FromDateTimeOffset(i.DeliverBy),
    };
}
