using Logistics.Inventory.Domain;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Tests;

public sealed class CataloguePartTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_part_starts_at_version_1_in_pieces_by_default()
    {
        var part = CataloguePart.Apply(null, CataloguePart.Define("02312345", "Main control board", true, ""), T0)!;

        Assert.Equal(new CataloguePart("02312345", "Main control board", true, "pcs", 1, T0), part);
    }

    [Fact]
    public void Text_is_trimmed()
    {
        var definition = CataloguePart.Define("  02312345 ", "  Fan module ", false, " m ");

        Assert.Equal(new PartDefinition("02312345", "Fan module", false, "m"), definition);
    }

    [Fact]
    public void Changing_the_description_bumps_the_version()
    {
        var v1 = CataloguePart.Apply(null, CataloguePart.Define("02312345", "Board", true, null), T0)!;
        var v2 = CataloguePart.Apply(v1, CataloguePart.Define("02312345", "Main control board", true, null), T0.AddHours(1))!;

        Assert.Equal(2, v2.Version);
        Assert.Equal("Main control board", v2.Description);
        Assert.Equal(T0.AddHours(1), v2.UpdatedAt);
    }

    [Fact]
    public void The_same_definition_again_changes_nothing()
    {
        var v1 = CataloguePart.Apply(null, CataloguePart.Define("02312345", "Board", true, null), T0)!;

        Assert.Null(CataloguePart.Apply(v1, CataloguePart.Define("02312345", "Board", true, "pcs"), T0.AddHours(1)));
    }

    [Fact]
    public void A_part_cannot_switch_between_serial_and_quantity_tracking()
    {
        var v1 = CataloguePart.Apply(null, CataloguePart.Define("CBL-01", "Cable", false, "pcs"), T0)!;

        var e = Assert.Throws<RuleViolationException>(() => CataloguePart.Apply(v1, CataloguePart.Define("CBL-01", "Cable", true, "pcs"), T0));
        Assert.Contains("CBL-01", e.Message);
    }

    [Theory]
    [InlineData(null, "Board", "part_number", "is required")]
    [InlineData("", "Board", "part_number", "is required")]
    [InlineData("0231 2345", "Board", "part_number", "may contain only")]
    [InlineData("-0231", "Board", "part_number", "may contain only")]
    [InlineData("02312345", "", "description", "is required")]
    [InlineData("02312345", "   ", "description", "is required")]
    [InlineData("02312345", "Board\u0000", "description", "control characters")]
    public void Bad_fields_are_refused_naming_the_field(string? partNumber, string? description, string field, string problem)
    {
        var e = Assert.Throws<InvalidFieldException>(() => CataloguePart.Define(partNumber, description, false, null));

        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Oversize_fields_are_refused()
    {
        Assert.Equal("part_number", Assert.Throws<InvalidFieldException>(() => CataloguePart.Define(new string('9', 41), "Board", false, null)).Field);
        Assert.Equal("description", Assert.Throws<InvalidFieldException>(() => CataloguePart.Define("0231", new string('x', 1_000_000), false, null)).Field);
        Assert.Equal("unit", Assert.Throws<InvalidFieldException>(() => CataloguePart.Define("0231", "Board", false, new string('m', 17))).Field);
    }

    [Fact]
    public void A_serialized_part_is_counted_in_pieces()
    {
        var e = Assert.Throws<InvalidFieldException>(() => CataloguePart.Define("02312345", "Board", true, "kg"));

        Assert.Equal("unit", e.Field);
    }

    [Fact]
    public void A_supplier_is_optional_trimmed_and_checked_naming_the_field()
    {
        Assert.Equal("", CataloguePart.Define("02312345", "Board", true, null).Supplier);
        Assert.Equal("", CataloguePart.Define("02312345", "Board", true, null, "   ").Supplier);
        Assert.Equal("ACME-EU", CataloguePart.Define("02312345", "Board", true, null, " ACME-EU ").Supplier);
        Assert.Equal("supplier", Assert.Throws<InvalidFieldException>(() => CataloguePart.Define("02312345", "Board", true, null, "ACME EU")).Field);
        Assert.Equal("supplier", Assert.Throws<InvalidFieldException>(() => CataloguePart.Define("02312345", "Board", true, null, new string('S', 41))).Field);
    }

    [Fact]
    public void Setting_or_changing_the_supplier_bumps_the_version_and_the_same_supplier_again_changes_nothing()
    {
        var v1 = CataloguePart.Apply(null, CataloguePart.Define("02312345", "Board", true, null), T0)!;
        Assert.Equal("", v1.Supplier);

        var v2 = CataloguePart.Apply(v1, CataloguePart.Define("02312345", "Board", true, null, "ACME-EU"), T0.AddHours(1))!;

        Assert.Equal((2L, "ACME-EU"), (v2.Version, v2.Supplier));
        Assert.Null(CataloguePart.Apply(v2, CataloguePart.Define("02312345", "Board", true, null, "ACME-EU"), T0.AddHours(2)));
    }
}
