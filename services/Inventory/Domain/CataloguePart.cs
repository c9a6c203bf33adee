using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>What an admin asks a catalogue part to be.</summary>
/// <param name="Supplier">Who supplies it (a supplier id); "" when not known.</param>
public sealed record PartDefinition(string PartNumber, string Description, bool Serialized, string Unit, string Supplier = "");

/// <summary>A part of the catalogue: a BOM code, tracked by serial number or by quantity.</summary>
public sealed record CataloguePart(string PartNumber, string Description, bool Serialized, string Unit, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>Who supplies the part (a supplier id); "" for parts catalogued before suppliers were recorded (shown as unknown).</summary>
    public string Supplier { get; init; } = "";

    /// <summary>Serialized parts are tracked unit by unit, so they are always counted in pieces.</summary>
    public const string Pieces = "pcs";

    public const int MaxPartNumberLength = 40;
    public const int MaxDescriptionLength = 200;
    public const int MaxUnitLength = 16;
    public const int MaxSupplierLength = 40;

    public static PartDefinition Define(string? partNumber, string? description, bool serialized, string? unit, string? supplier = null)
    {
        var number = Require.Code(partNumber, "part_number", MaxPartNumberLength);
        var text = Require.Text(description, "description", MaxDescriptionLength);
        var measure = string.IsNullOrEmpty(unit) ? Pieces : Require.Code(unit, "unit", MaxUnitLength);
        if (serialized && measure != Pieces)
            throw new InvalidFieldException("unit", $"a serialized part is counted in '{Pieces}', not '{measure}'");
        // Optional: a blank supplier is "not known", like parts catalogued before suppliers were recorded.
        var supplierId = string.IsNullOrWhiteSpace(supplier) ? "" : Require.Code(supplier, "supplier", MaxSupplierLength);
        return new PartDefinition(number, text, serialized, measure, supplierId);
    }

    /// <summary>
    /// The part after applying a definition, or null when the definition changes nothing (a repeated PUT
    /// neither bumps the version nor publishes an event).
    /// </summary>
    public static CataloguePart? Apply(CataloguePart? current, PartDefinition definition, DateTimeOffset now)
    {
        if (current is null)
            return new CataloguePart(definition.PartNumber, definition.Description, definition.Serialized, definition.Unit, 1, now) { Supplier = definition.Supplier };
        if (current.Serialized != definition.Serialized)
            throw new RuleViolationException(
                $"part {current.PartNumber} is tracked {(current.Serialized ? "by serial number" : "by quantity")}; " +
                "a part cannot switch between serial and quantity tracking (catalogue a new part number instead)");
        if (current.Description == definition.Description && current.Unit == definition.Unit && current.Supplier == definition.Supplier) return null;
        return current with
        {
            Description = definition.Description, Unit = definition.Unit, Supplier = definition.Supplier, Version = current.Version + 1, UpdatedAt = now,
        };
    }
}
