using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>
/// The engineer's packing confirmation as sent (docs/domain.md, the anti-static rule): the faulty part inside the good part's
/// packaging, inside a sealed ESD shielding bag (tape or label, no staples) bearing the ESD symbol, the fault tag attached.
/// A field left out (null) or not confirmed refuses the packing, naming the field.
/// </summary>
public sealed record PackingEntry(bool? InGoodPartPackaging, bool? EsdBagSealed, string? SealedWith, bool? EsdSymbol, FaultTagEntry? FaultTag);

/// <summary>A confirmed packing: every check passed, the tag matches the return.</summary>
public sealed record Packing(string SealedWith, FaultTag FaultTag, string PackedBy, DateTimeOffset PackedAt);

/// <summary>What the packing is checked against: the return's own facts.</summary>
internal sealed record PackingExpectation(
    string ReturnId, string RequestId, string DoaClaimId, string PartNumber, string Serial, string TicketId, string CategoryCode);

internal static class PackingRules
{
    public const int MaxSymptomLength = 1000;
    public const int MaxSoftwareVersionLength = 100;
    public static readonly IReadOnlyList<string> AllowedSeals = ["tape", "label"];

    /// <summary>Checks every field in order and returns the checked packing, or throws naming the first field that fails.</summary>
    public static Packing Confirm(PackingEntry? entry, PackingExpectation expected, string by, DateTimeOffset at)
    {
        if (entry is null) throw new InvalidFieldException("packing", "the packing confirmation is required");
        if (entry.InGoodPartPackaging is not true)
            throw new InvalidFieldException("in_good_part_packaging", "the faulty part must be packed in the good part's packaging");
        if (entry.EsdBagSealed is not true)
            throw new InvalidFieldException("esd_bag_sealed", "the faulty part must be inside a sealed ESD shielding bag");
        var seal = entry.SealedWith?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(seal)) throw new InvalidFieldException("sealed_with", "is required (tape or label)");
        if (seal == "staples")
            throw new InvalidFieldException("sealed_with", "'staples' is refused: staples pierce the ESD shielding bag; seal it with tape or label");
        if (!AllowedSeals.Contains(seal)) throw new InvalidFieldException("sealed_with", $"'{seal}' is not a seal (tape or label)");
        if (entry.EsdSymbol is not true) throw new InvalidFieldException("esd_symbol", "the ESD bag must bear the ESD symbol");
        return new Packing(seal, ConfirmTag(entry.FaultTag, expected, at), by, at);
    }

    private static FaultTag ConfirmTag(FaultTagEntry? tag, PackingExpectation expected, DateTimeOffset at)
    {
        if (tag is null) throw new InvalidFieldException("fault_tag", "the fault tag is required");

        var category = tag.Category?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(category)) throw new InvalidFieldException("fault_tag.category", "is required (replacement, repair or analysis)");
        if (!ReturnCodes.Categories.Contains(category))
            throw new InvalidFieldException("fault_tag.category", $"'{category}' is not a fault tag category (replacement, repair, analysis)");

        var reference = Require.Text(tag.Reference, "fault_tag.reference", 64);
        var references = new[] { expected.RequestId, expected.DoaClaimId }.Where(r => r.Length > 0).ToList();
        if (!references.Contains(reference, StringComparer.Ordinal))
            throw new InvalidFieldException("fault_tag.reference",
                $"'{reference}' is not the reference of return {expected.ReturnId} ({string.Join(" or ", references)})");

        var partNumber = Require.Text(tag.PartNumber, "fault_tag.part_number", 64);
        if (partNumber != expected.PartNumber)
            throw new InvalidFieldException("fault_tag.part_number",
                $"'{partNumber}' does not match the part number of return {expected.ReturnId} ({expected.PartNumber})");

        var serial = Require.Text(tag.Serial, "fault_tag.serial", 64);
        if (serial != expected.Serial)
            throw new InvalidFieldException("fault_tag.serial",
                $"'{serial}' does not match the serial of return {expected.ReturnId} ({expected.Serial})");

        if (tag.FaultDate is not { } faultDate) throw new InvalidFieldException("fault_tag.fault_date", "is required");
        // A date the engineer writes on the tag on site: in their time zone it may read a day ahead of UTC.
        ClientDates.Check(faultDate, at + ClientDates.CalendarDateTolerance, "fault_tag.fault_date");

        var symptom = Require.Text(tag.Symptom, "fault_tag.symptom", MaxSymptomLength);

        var code = tag.CategoryCode?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code)) throw new InvalidFieldException("fault_tag.category_code", $"is required ({expected.CategoryCode} for this return)");
        if (!ReturnCodes.CategoryCodes.ContainsKey(code))
            throw new InvalidFieldException("fault_tag.category_code",
                $"'{code}' is not a category code ({string.Join(", ", ReturnCodes.CategoryCodes.Keys.Select(ReturnCodes.Describe))})");
        if (code != expected.CategoryCode)
            throw new InvalidFieldException("fault_tag.category_code",
                $"return {expected.ReturnId} needs {ReturnCodes.Describe(expected.CategoryCode)}, not {ReturnCodes.Describe(code)}");

        var softwareVersion = Require.Text(tag.SoftwareVersion, "fault_tag.software_version", MaxSoftwareVersionLength);
        if (tag.DataRemovalConfirmed is not true)
            throw new InvalidFieldException("fault_tag.data_removal_confirmed", "data removal must be confirmed before the part leaves the site");

        var ticketId = Require.OptionalText(tag.TicketId, "fault_tag.ticket_id", 64);
        if (ticketId.Length > 0 && expected.TicketId.Length > 0 && ticketId != expected.TicketId)
            throw new InvalidFieldException("fault_tag.ticket_id",
                $"'{ticketId}' does not match the ticket of return {expected.ReturnId} ({expected.TicketId})");

        return new FaultTag(category, reference, partNumber, serial, faultDate, symptom, code, softwareVersion, true,
            ticketId.Length > 0 ? ticketId : expected.TicketId);
    }
}
