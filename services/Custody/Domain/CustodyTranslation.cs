using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.SharedKernel;

namespace Logistics.Custody.Domain;

/// <summary>The integration event being translated: its CloudEvent id, and when it arrived (the time of last resort).</summary>
public sealed record EventSource(string EventId, DateTimeOffset ReceivedAt)
{
    /// <summary>The event's business time; arrival time only if the publisher left it out. Microseconds, as Postgres keeps them.</summary>
    public DateTimeOffset When(Timestamp? time) => BusinessTime.Of(time?.ToDateTimeOffset() ?? ReceivedAt);
}

public static class BusinessTime
{
    /// <summary>UTC, cut to whole microseconds, so a time compares the same before and after it is stored.</summary>
    public static DateTimeOffset Of(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);
}

/// <summary>
/// What each integration event means for custody, as pure functions. One source per fact, so nothing is recorded twice:
/// <list type="table">
/// <item><term>stock-movement-recorded</term><description>goods-in (receiving from the supplier) and count adjustments
/// of serials (stock_taking: found / missing); transfers between centres (shipping centre to centre in transit, receiving
/// at the other centre); the dispositions of quarantined units (shipping to a repairer or the supplier, destroying when
/// written off, receiving back from repair, its inspection), which no other event says; a shipment written off as lost in
/// transit (loss_write_off: with nobody, lost).
/// Other kinds repeat what the business events below already say.</description></item>
/// <item><term>part-request-shipped</term><description>shipping centre → engineer, in transit; a DOA replacement's serial.</description></item>
/// <item><term>receipt-signed</term><description>receiving of every newly accepted serial; packaging non-compliance;
/// discrepancies checked against custody; serials a correction withdrew.</description></item>
/// <item><term>part-installed</term><description>installing the good serial, removing the faulty one, the pair, the return expected.</description></item>
/// <item><term>return-changed</term><description>opened (the expectation met), packed, shipped; overdue / escalated / unreturned.
/// Received and inspected come from receipt-signed and return-inspected.</description></item>
/// <item><term>return-inspected</term><description>inspecting at the centre (a DOA dead unit's inspection comes from doa-claim-changed).</description></item>
/// <item><term>doa-claim-approved</term><description>the dead unit needs replacement; the claim's dead serial for pairing.</description></item>
/// <item><term>doa-claim-changed</term><description>step inspected: inspecting the dead unit at the centre.</description></item>
/// </list>
/// Serials that are not well formed are skipped (no API could read them back). Custody event ids come from the
/// CloudEvent id, the serial and the step, so a redelivered event makes the same ids.
/// </summary>
public static class CustodyTranslation
{
    /// <summary>The translation of any event custody follows; an event of another type is a wiring mistake.</summary>
    public static Translation Of(Google.Protobuf.IMessage e, EventSource source) => e switch
    {
        StockMovementRecorded m => From(m, source),
        PartRequestShipped m => From(m, source),
        ReceiptSigned m => From(m, source),
        PartInstalled m => From(m, source),
        ReturnChanged m => From(m, source),
        ReturnInspected m => From(m, source),
        DoaClaimApproved m => From(m, source),
        DoaClaimChanged m => From(m, source),
        _ => throw new ArgumentException($"custody does not follow {e.Descriptor.FullName}", nameof(e)),
    };

    public static Translation From(StockMovementRecorded e, EventSource source)
    {
        var at = source.When(e.OccurredAt);
        var serials = WellFormed(e.Serials);
        switch (e.Kind)
        {
            case StockMovementKinds.GoodsIn:
                return new Translation
                {
                    Events = serials.Select(serial => Event(source, serial, e.PartNumber, at, BusinessStep.Receiving,
                        Parties.Supplier, "", Parties.Centre(e.CentreId), Locations.Centre(e.CentreId, e.Bin), Disposition.Available, "",
                        References.Movement(e.MovementId))).ToList(),
                };
            case StockMovementKinds.Adjusted when e.Serials.Count > 0:
                // The adjust script lists the serials added (found) first, then those removed (missing); the on-hand
                // delta is added − removed, so the first (count + delta) / 2 were found.
                var twiceFound = e.Serials.Count + e.DeltaOnHand;
                if (twiceFound < 0 || twiceFound > 2 * e.Serials.Count || twiceFound % 2 != 0) return Translation.Nothing;
                var found = e.Serials.Take(twiceFound / 2).ToHashSet(StringComparer.Ordinal);
                var reference = e.Reference != "" ? References.Count(e.Reference) : References.Movement(e.MovementId);
                return new Translation
                {
                    Events = serials.Select(serial => found.Contains(serial)
                        ? Event(source, serial, e.PartNumber, at, BusinessStep.StockTaking,
                            "", "", Parties.Centre(e.CentreId), Locations.Centre(e.CentreId, e.Bin), Disposition.Available, "", reference)
                        : Event(source, serial, e.PartNumber, at, BusinessStep.StockTaking,
                            Parties.Centre(e.CentreId), Locations.Centre(e.CentreId), Parties.Unknown, Locations.Unknown, Disposition.NonConformant, "", reference))
                        .ToList(),
                };
            case StockMovementKinds.LostInTransit:
                // Written off after a lost-in-transit investigation: the carrier had it last; now nobody has it.
                return new Translation
                {
                    Events = serials.Select(serial => Event(source, serial, e.PartNumber, at, BusinessStep.LossWriteOff,
                        Parties.Carrier, "", Parties.Lost, Locations.Lost, Disposition.Lost, "", References.Request(e.Reference))).ToList(),
                };
            case StockMovementKinds.SentToRepair or StockMovementKinds.ReturnedToSupplier or StockMovementKinds.WrittenOff or StockMovementKinds.RepairedIn or StockMovementKinds.RepairedToStock or StockMovementKinds.RepairFailed:
                return Disposed(e, source, at, serials);
            case StockMovementKinds.TransferShipped or StockMovementKinds.TransferReceived:
                return Transferred(e, source, at, serials);
            default:
                return Translation.Nothing;
        }
    }

    /// <summary>
    /// A quarantined unit's disposition, step by step (inventory's only record of it): shipped in sealed ESD packaging to
    /// the repairer (in repair) or to the supplier (returned), written off (destroyed), back from the repairer (awaiting
    /// inspection), inspected good (available in its bin) or unrepairable (damaged, quarantined again).
    /// </summary>
    private static Translation Disposed(StockMovementRecorded e, EventSource source, DateTimeOffset at, IReadOnlyList<string> serials)
    {
        var centre = Parties.Centre(e.CentreId);
        var here = Locations.Centre(e.CentreId);
        var reference = References.Disposition(e.Reference);
        var counterparty = e.Counterparty == "" ? Parties.Unknown : e.Counterparty;
        var shipped = Locations.InTransit(e.Carrier, e.TrackingNumber);
        (BusinessStep Step, string From, string FromLocation, string To, string ToLocation, Disposition Disposition, string Packaging) step = e.Kind switch
        {
            StockMovementKinds.SentToRepair => (BusinessStep.Shipping, centre, here, counterparty, shipped, Disposition.InProgress, Packaging.EsdBagSealed),
            StockMovementKinds.ReturnedToSupplier => (BusinessStep.Shipping, centre, here, counterparty, shipped, Disposition.Returned, Packaging.EsdBagSealed),
            StockMovementKinds.WrittenOff => (BusinessStep.Destroying, centre, here, centre, here, Disposition.Destroyed, ""),
            StockMovementKinds.RepairedIn => (BusinessStep.Receiving, counterparty, "", centre, here, Disposition.InProgress, ""),
            StockMovementKinds.RepairedToStock => (BusinessStep.Repairing, centre, here, centre, Locations.Centre(e.CentreId, e.Bin), Disposition.Available, ""),
            _ => (BusinessStep.Inspecting, centre, here, centre, here, Disposition.Damaged, ""),
        };
        return new Translation
        {
            Events = serials.Select(serial => Event(source, serial, e.PartNumber, at, step.Step,
                step.From, step.FromLocation, step.To, step.ToLocation, step.Disposition, step.Packaging, reference)).ToList(),
        };
    }

    /// <summary>
    /// A transfer between centres (inventory's only record of it): shipped by the sending centre to the receiving one in
    /// sealed ESD packaging (in transit), received there into a bin (available). The sending centre's own record that the
    /// serials left its transit (transfer-delivered) repeats the receipt: one source per fact.
    /// </summary>
    private static Translation Transferred(StockMovementRecorded e, EventSource source, DateTimeOffset at, IReadOnlyList<string> serials)
    {
        var here = Parties.Centre(e.CentreId);
        var other = e.Counterparty == "" ? Parties.Unknown : e.Counterparty;
        var reference = References.Transfer(e.Reference);
        return new Translation
        {
            Events = serials.Select(serial => e.Kind == StockMovementKinds.TransferShipped
                ? Event(source, serial, e.PartNumber, at, BusinessStep.Shipping, here, Locations.Centre(e.CentreId), other,
                    Locations.InTransit(e.Carrier, e.TrackingNumber), Disposition.InTransit, Packaging.EsdBagSealed, reference)
                : Event(source, serial, e.PartNumber, at, BusinessStep.Receiving, other, "", here,
                    Locations.Centre(e.CentreId, e.Bin), Disposition.Available, "", reference)).ToList(),
        };
    }

    public static Translation From(PartRequestShipped e, EventSource source)
    {
        var at = source.When(e.ShippedAt);
        var serials = WellFormed(e.Serials);
        return new Translation
        {
            // Requests ships only once the warehouse confirmed the ESD packaging.
            Events = serials.Select(serial => Event(source, serial, e.PartNumber, at, BusinessStep.Shipping,
                Parties.Centre(e.CentreId), Locations.Centre(e.CentreId), Parties.Engineer(e.EngineerId), Locations.InTransit(e.Carrier, e.TrackingNo),
                Disposition.InTransit, Packaging.EsdBagSealed, References.Request(e.RequestId))).ToList(),
            // One dead unit, one replacement: the first serial shipped on the replacement request.
            DoaReplacements = e.DoaClaimId != "" && serials.Count > 0 ? [new DoaUnit(e.DoaClaimId, serials[0], at)] : [],
        };
    }

    public static Translation From(ReceiptSigned e, EventSource source)
    {
        var at = source.When(e.SignedAt);
        var reference = References.Receipt(e.ReceiptId);
        bool? esdBagSealed = e.HasEsdBagSealed ? e.EsdBagSealed : null;
        bool? outerIntact = e.HasOuterIntact ? e.OuterIntact : null;
        var packaging = Packaging.AsFound(esdBagSealed, outerIntact);
        var serials = WellFormed(e.Serials);

        string from, to, toLocation;
        Disposition disposition;
        var anomalies = new List<DetectedAnomaly>();
        switch (e.Kind)
        {
            case ReceiptKinds.CentreToEngineer or ReceiptKinds.CarrierToSite:
                from = e.Kind == ReceiptKinds.CarrierToSite ? Parties.Carrier : Parties.Centre(e.CentreId);
                to = Parties.Engineer(e.SignedBy);
                toLocation = Locations.Site(e.SiteId);
                disposition = e.FlaggedForDoa ? Disposition.Damaged : Disposition.Available;
                break;
            case ReceiptKinds.EngineerToCentre:
                from = Parties.Engineer(e.HandedOverBy);
                to = Parties.Centre(e.CentreId);
                toLocation = Locations.Centre(e.CentreId);
                disposition = e.Faulty ? Disposition.NeedsReplacement : Disposition.Available;
                // The anti-static rule: a part that comes back outside a sealed ESD bag, or in a damaged box, is received but flagged.
                if (esdBagSealed is false || outerIntact is false)
                {
                    anomalies.AddRange(serials.Select(serial => new DetectedAnomaly(AnomalyKind.PackagingNonCompliant, serial,
                        $"serial {serial} came back to centre {e.CentreId} from {from} as {packaging} (receipt {e.ReceiptId})", reference)));
                }
                break;
            default:
                // supplier-to-centre: goods-in (stock-movement-recorded) records the arrival.
                return Translation.Nothing;
        }

        var accepted = serials.ToHashSet(StringComparer.Ordinal);
        return new Translation
        {
            Events = serials.Select(serial => Event(source, serial, e.PartNumber, at, BusinessStep.Receiving,
                from, "", to, toLocation, disposition, packaging, reference)).ToList(),
            Anomalies = anomalies,
            PresenceClaims = WellFormed(e.DiscrepancySerials).Where(s => !accepted.Contains(s))
                .Select(serial => new PresenceClaim(serial, to, toLocation, reference)).ToList(),
            Withdrawals = e.Supersedes == "" ? [] : WellFormed(e.WithdrawnSerials)
                .Select(serial => new Withdrawal(serial, e.PartNumber, References.Receipt(e.Supersedes), BusinessStep.Receiving, reference, at, source.EventId))
                .ToList(),
        };
    }

    public static Translation From(PartInstalled e, EventSource source)
    {
        var at = source.When(e.InstalledAt);
        var reference = References.Request(e.RequestId);
        var site = Locations.Site(e.SiteId);
        var installed = Serials.IsWellFormed(e.InstalledSerial) ? e.InstalledSerial : "";
        var removed = Serials.IsWellFormed(e.RemovedSerial) && e.RemovedSerial != installed ? e.RemovedSerial : "";
        var events = new List<CustodyEvent>();
        if (installed != "")
        {
            events.Add(Event(source, installed, e.PartNumber, at, BusinessStep.Installing,
                Parties.Engineer(e.EngineerId), site, Parties.Equipment(e.EquipmentId), site, Disposition.InProgress, "", reference));
        }
        if (removed != "")
        {
            events.Add(Event(source, removed, e.PartNumber, at, BusinessStep.Removing,
                Parties.Equipment(e.EquipmentId), site, Parties.Engineer(e.EngineerId), site, Disposition.NeedsReplacement, "", reference));
        }
        return new Translation
        {
            Events = events,
            Pairs = installed != "" && removed != "" ? [new SerialPair(removed, installed, reference, at)] : [],
            SwapsAwaitingReturn = removed != "" ? [new SwapAwaitingReturn(removed, e.RequestId, at)] : [],
        };
    }

    public static Translation From(ReturnChanged e, EventSource source)
    {
        if (!Serials.IsWellFormed(e.Serial)) return Translation.Nothing;
        var at = source.When(e.OccurredAt);
        var reference = References.Return(e.ReturnId);
        var engineer = Parties.Engineer(e.EngineerId);
        return e.Step switch
        {
            ReturnSteps.Opened => new Translation { ReturnsOpened = [new ReturnOpened(e.Serial, e.RequestId, at)] },
            ReturnSteps.Packed => One(Event(source, e.Serial, e.PartNumber, at, BusinessStep.Packing,
                engineer, "", engineer, Locations.Site(e.SiteId), null, Packaging.InGoodPartPackagingSealed, reference)),
            ReturnSteps.Shipped => One(Event(source, e.Serial, e.PartNumber, at, BusinessStep.Shipping,
                engineer, Locations.Site(e.SiteId), Parties.Centre(e.CentreId), Locations.InTransit(e.Carrier, e.TrackingNo), Disposition.Returned, "", reference)),
            ReturnSteps.Overdue or ReturnSteps.Escalated or ReturnSteps.Unreturned => new Translation
            {
                Anomalies =
                [
                    new DetectedAnomaly(AnomalyKind.FaultyPartOverdue, e.Serial,
                        $"faulty serial {e.Serial} held by {engineer} is {e.Step} on return {e.ReturnId}"
                        + (e.DueAt is null ? "" : $" (due {e.DueAt.ToDateTimeOffset():yyyy-MM-dd HH:mm}Z)"),
                        reference),
                ],
            },
            // received: receipt-signed records the handover; inspected: return-inspected records the result.
            _ => Translation.Nothing,
        };
    }

    public static Translation From(ReturnInspected e, EventSource source)
    {
        // A DOA dead unit's inspection is the claim's (doa-claim-changed "inspected"); one source per fact.
        if (e.DoaClaimId != "" || !Serials.IsWellFormed(e.Serial)) return Translation.Nothing;
        (Disposition disposition, string location)? outcome = e.Result switch
        {
            ReturnInspectionResults.ConfirmedFault => (Disposition.Damaged, Locations.Centre(e.CentreId)),
            ReturnInspectionResults.NoFaultFound => (Disposition.Available, Locations.Centre(e.CentreId, e.Bin)),
            ReturnInspectionResults.DamagedInTransit => (Disposition.Destroyed, Locations.Centre(e.CentreId)),
            _ => null,
        };
        if (outcome is not { } o) return Translation.Nothing;
        return One(Event(source, e.Serial, e.PartNumber, source.When(e.InspectedAt), BusinessStep.Inspecting,
            Parties.Centre(e.CentreId), "", Parties.Centre(e.CentreId), o.location, o.disposition, "", References.Return(e.ReturnId)));
    }

    public static Translation From(DoaClaimApproved e, EventSource source)
    {
        if (!Serials.IsWellFormed(e.Serial)) return Translation.Nothing;
        var at = source.When(e.ApprovedAt);
        // The claim's decision moves nothing: the dead unit stays where it is, now known to need replacement.
        return new Translation
        {
            Events = [Event(source, e.Serial, e.PartNumber, at, BusinessStep.Inspecting, "", "", "", "", Disposition.NeedsReplacement, "", References.Doa(e.ClaimId))],
            DoaDeadUnits = [new DoaUnit(e.ClaimId, e.Serial, at)],
        };
    }

    public static Translation From(DoaClaimChanged e, EventSource source)
    {
        if (e.Step != DoaClaimSteps.Inspected || !Serials.IsWellFormed(e.Serial)) return Translation.Nothing;
        Disposition? disposition = e.Result switch
        {
            DoaInspectionResults.ConfirmedDoa => Disposition.Damaged,
            DoaInspectionResults.NoFaultFound => Disposition.Available,
            _ => null,
        };
        if (disposition is null) return Translation.Nothing;
        return One(Event(source, e.Serial, e.PartNumber, source.When(e.OccurredAt), BusinessStep.Inspecting,
            Parties.Centre(e.CentreId), "", Parties.Centre(e.CentreId), Locations.Centre(e.CentreId), disposition, "", References.Doa(e.ClaimId)));
    }

    private static Translation One(CustodyEvent e) => new() { Events = [e] };

    private static CustodyEvent Event(EventSource source, string serial, string partNumber, DateTimeOffset at, BusinessStep step,
        string from, string fromLocation, string to, string toLocation, Disposition? disposition, string packaging, string reference) =>
        new(CustodyEventIds.For(source.EventId, serial, step), serial, partNumber, at, step,
            from, fromLocation, to, toLocation, disposition, packaging, reference, "", source.EventId);

    /// <summary>Well-formed serials, each once, in the order given.</summary>
    private static List<string> WellFormed(IEnumerable<string> serials) =>
        serials.Where(Serials.IsWellFormed).Distinct(StringComparer.Ordinal).ToList();
}
