namespace Logistics.Custody.Domain;

/// <summary>What was being done to the serial (GS1 CBV business steps). Wire names: <see cref="BusinessSteps"/>.</summary>
public enum BusinessStep
{
    Receiving,
    Shipping,
    Packing,
    Unpacking,
    Installing,
    Removing,
    Inspecting,
    Repairing,
    StockTaking,
    Destroying,
    /// <summary>A shipment lost by the carrier, written off after a lost-in-transit investigation (docs/lost-in-transit.md).</summary>
    LossWriteOff,
}

/// <summary>The state the serial is in after the event (GS1 CBV dispositions). Wire names: <see cref="Dispositions"/>.</summary>
public enum Disposition
{
    Available,
    InTransit,
    InProgress,
    NeedsReplacement,
    Returned,
    Damaged,
    NonConformant,
    Destroyed,
    /// <summary>Lost in transit and written off: no one holds it; "lost" is its place.</summary>
    Lost,
}

public static class BusinessSteps
{
    private static readonly Dictionary<BusinessStep, string> Names = new()
    {
        [BusinessStep.Receiving] = "receiving",
        [BusinessStep.Shipping] = "shipping",
        [BusinessStep.Packing] = "packing",
        [BusinessStep.Unpacking] = "unpacking",
        [BusinessStep.Installing] = "installing",
        [BusinessStep.Removing] = "removing",
        [BusinessStep.Inspecting] = "inspecting",
        [BusinessStep.Repairing] = "repairing",
        [BusinessStep.StockTaking] = "stock_taking",
        [BusinessStep.Destroying] = "destroying",
        [BusinessStep.LossWriteOff] = "loss_write_off",
    };

    public static string WireName(this BusinessStep step) => Names[step];

    public static BusinessStep Parse(string name) =>
        Names.FirstOrDefault(pair => pair.Value == name) is { Value: not null } found
            ? found.Key
            : throw new FormatException($"'{name}' is not a business step");
}

public static class Dispositions
{
    private static readonly Dictionary<Disposition, string> Names = new()
    {
        [Disposition.Available] = "available",
        [Disposition.InTransit] = "in_transit",
        [Disposition.InProgress] = "in_progress",
        [Disposition.NeedsReplacement] = "needs_replacement",
        [Disposition.Returned] = "returned",
        [Disposition.Damaged] = "damaged",
        [Disposition.NonConformant] = "non_conformant",
        [Disposition.Destroyed] = "destroyed",
        [Disposition.Lost] = "lost",
    };

    /// <summary>"" for no disposition (an event that leaves it as it was).</summary>
    public static string WireName(this Disposition? disposition) => disposition is { } d ? Names[d] : "";

    public static Disposition? Parse(string name) =>
        name == "" ? null
        : Names.FirstOrDefault(pair => pair.Value == name) is { Value: not null } found ? found.Key
        : throw new FormatException($"'{name}' is not a disposition");
}

/// <summary>
/// Who holds a serial, written "kind:id" so one column names any party. <see cref="Unknown"/> is where a serial goes
/// when a count finds it missing: custody has lost track, so the next handover is accepted from anyone.
/// </summary>
public static class Parties
{
    public const string Supplier = "supplier";
    public const string Carrier = "carrier";
    public const string Unknown = "unknown";
    /// <summary>Where a serial written off as lost in transit is: with nobody.</summary>
    public const string Lost = "lost";

    // An id the event left empty names nobody (""): the holder stays as it was rather than becoming "engineer:".
    public static string Centre(string centreId) => Named("centre:", centreId);
    public static string Engineer(string userId) => Named("engineer:", userId);
    public static string Equipment(string equipmentId) => Named("equipment:", equipmentId);

    private static string Named(string kind, string id) => id == "" ? "" : kind + id;
}

/// <summary>Where a serial is, written like a party: a centre (and bin), a site, a shipment in transit.</summary>
public static class Locations
{
    public const string Unknown = "unknown";
    public const string Lost = "lost";

    public static string Centre(string centreId, string bin = "") =>
        centreId == "" ? "" : bin == "" ? "centre:" + centreId : $"centre:{centreId}/bin:{bin}";

    public static string Site(string siteId) => siteId == "" ? "" : "site:" + siteId;

    public static string InTransit(string carrier, string trackingNo) =>
        carrier == "" && trackingNo == "" ? "in-transit" : $"in-transit:{carrier}/{trackingNo}";
}

/// <summary>The packaging state an event records (docs/domain.md "The anti-static rule").</summary>
public static class Packaging
{
    public const string EsdBagSealed = "esd-bag-sealed";
    public const string EsdBagNotSealed = "esd-bag-not-sealed";
    public const string OuterDamaged = "outer-damaged";
    public const string InGoodPartPackagingSealed = "in-good-part-packaging+esd-bag-sealed";

    /// <summary>What a receipt's packaging check found; "" when nothing was checked.</summary>
    public static string AsFound(bool? esdBagSealed, bool? outerIntact)
    {
        var parts = new List<string>();
        if (esdBagSealed is { } sealedBag) parts.Add(sealedBag ? EsdBagSealed : EsdBagNotSealed);
        if (outerIntact is false) parts.Add(OuterDamaged);
        return string.Join('+', parts);
    }
}

/// <summary>The business document an event belongs to, written "kind:id".</summary>
public static class References
{
    public static string Request(string id) => "request:" + id;
    public static string Receipt(string id) => "receipt:" + id;
    public static string Return(string id) => "return:" + id;
    public static string Doa(string claimId) => "doa:" + claimId;
    public static string Count(string countId) => "count:" + countId;
    public static string Movement(string movementId) => "movement:" + movementId;
    public static string Disposition(string dispositionId) => "disposition:" + dispositionId;
    public static string Transfer(string transferId) => "transfer:" + transferId;
}
