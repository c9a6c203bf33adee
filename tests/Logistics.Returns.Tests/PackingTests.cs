using Logistics.Events.V1;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class PackingTests
{
    private static InvalidFieldException Refused(PackingEntry entry, FaultyReturn? r = null)
    {
        r ??= OpenSwap();
        var before = r.History.Count;
        var e = Assert.Throws<InvalidFieldException>(() => r.Pack(Engineer, entry, PackedAt));
        // A refused packing changes nothing.
        Assert.Equal(ReturnState.Open, r.State);
        Assert.Null(r.Packing);
        Assert.Equal(before, r.History.Count);
        return e;
    }

    [Fact]
    public void The_holding_engineer_packs_an_open_return()
    {
        var r = OpenSwap();
        r.Pack(Engineer, Packing(sealedWith: " Label "), PackedAt);
        Assert.Equal(ReturnState.Packed, r.State);
        Assert.Equal("label", r.Packing!.SealedWith);
        Assert.Equal((Engineer, PackedAt), (r.Packing.PackedBy, r.Packing.PackedAt));
        var tag = r.FaultTag!;
        Assert.Equal(("replacement", RequestId, Part, FaultySerial, "F006", "V1", true), (tag.Category, tag.Reference, tag.PartNumber, tag.Serial, tag.CategoryCode, tag.SoftwareVersion, tag.DataRemovalConfirmed));
        Assert.Equal("T-100", tag.TicketId); // the return's ticket when the tag leaves it out
        Assert.Equal(ReturnSteps.Packed, r.History[^1].Step);
    }

    [Fact]
    public void Codes_are_taken_in_any_case()
    {
        var r = OpenSwap();
        r.Pack(Engineer, Packing(Tag() with { Category = "Repair", CategoryCode = "f006" }, "TAPE"), PackedAt);
        Assert.Equal(("repair", "F006", "tape"), (r.FaultTag!.Category, r.FaultTag.CategoryCode, r.Packing!.SealedWith));
    }

    [Fact]
    public void Staples_are_refused_with_the_reason()
    {
        var e = Refused(Packing(sealedWith: "staples"));
        Assert.Equal("sealed_with", e.Field);
        Assert.Contains("staples pierce the ESD shielding bag", e.Message);
    }

    [Fact]
    public void A_serial_that_does_not_match_the_tag_is_refused()
    {
        var e = Refused(Packing(Tag(serial: "SN-OTHER")));
        Assert.Equal("fault_tag.serial", e.Field);
        Assert.Contains("'SN-OTHER' does not match the serial of return", e.Message);
        Assert.Contains(FaultySerial, e.Message);
    }

    public static TheoryData<string, PackingEntry> EveryCheck => new()
    {
        { "in_good_part_packaging", Packing() with { InGoodPartPackaging = false } },
        { "in_good_part_packaging", Packing() with { InGoodPartPackaging = null } },
        { "esd_bag_sealed", Packing() with { EsdBagSealed = false } },
        { "esd_bag_sealed", Packing() with { EsdBagSealed = null } },
        { "sealed_with", Packing(sealedWith: null) },
        { "sealed_with", Packing(sealedWith: "glue") },
        { "esd_symbol", Packing() with { EsdSymbol = false } },
        { "esd_symbol", Packing() with { EsdSymbol = null } },
        { "fault_tag", Packing() with { FaultTag = null } },
        { "fault_tag.category", Packing(Tag() with { Category = "" }) },
        { "fault_tag.category", Packing(Tag() with { Category = "warranty" }) },
        { "fault_tag.reference", Packing(Tag() with { Reference = null }) },
        { "fault_tag.reference", Packing(Tag(reference: "PR-99")) },
        { "fault_tag.part_number", Packing(Tag() with { PartNumber = "" }) },
        { "fault_tag.part_number", Packing(Tag() with { PartNumber = "BOARD-2" }) },
        { "fault_tag.serial", Packing(Tag() with { Serial = null }) },
        { "fault_tag.fault_date", Packing(Tag() with { FaultDate = null }) },
        { "fault_tag.fault_date", Packing(Tag() with { FaultDate = PackedAt.AddDays(1).AddSeconds(1) }) },
        { "fault_tag.fault_date", Packing(Tag() with { FaultDate = DateTimeOffset.MinValue }) },
        { "fault_tag.fault_date", Packing(Tag() with { FaultDate = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero) }) },
        { "fault_tag.symptom", Packing(Tag() with { Symptom = " " }) },
        { "fault_tag.symptom", Packing(Tag() with { Symptom = new string('x', 1001) }) },
        { "fault_tag.category_code", Packing(Tag() with { CategoryCode = "" }) },
        { "fault_tag.category_code", Packing(Tag(code: "F009")) },
        { "fault_tag.category_code", Packing(Tag(code: "F001")) },
        { "fault_tag.category_code", Packing(Tag(code: "F003")) },
        { "fault_tag.software_version", Packing(Tag() with { SoftwareVersion = "" }) },
        { "fault_tag.data_removal_confirmed", Packing(Tag() with { DataRemovalConfirmed = false }) },
        { "fault_tag.data_removal_confirmed", Packing(Tag() with { DataRemovalConfirmed = null }) },
        { "fault_tag.ticket_id", Packing(Tag() with { TicketId = "T-999" }) },
    };

    [Theory]
    [MemberData(nameof(EveryCheck))]
    public void Each_failed_check_is_refused_naming_its_field(string field, PackingEntry entry) =>
        Assert.Equal(field, Refused(entry).Field);

    [Fact]
    public void A_fault_date_of_0001_01_01_is_refused_as_older_than_any_part()
    {
        var e = Refused(Packing(Tag() with { FaultDate = DateTimeOffset.MinValue }));
        Assert.Equal("fault_tag.fault_date: 0001-01-01T00:00:00Z is before 2000-01-01T00:00:00Z: no part in service is that old", e.Message);
    }

    [Theory]
    [InlineData("2000-01-01T00:00:00Z")]
    [InlineData("+1.00:00:00")] // a day ahead of packing: the date on the tag is the site's, which may run ahead of UTC
    public void A_fault_date_at_the_edges_of_the_window_is_taken(string date)
    {
        var faultDate = date.StartsWith('+') ? PackedAt + TimeSpan.Parse(date[1..], System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var r = OpenSwap();
        r.Pack(Engineer, Packing(Tag() with { FaultDate = faultDate }), PackedAt);
        Assert.Equal(ReturnState.Packed, r.State);
        Assert.Equal(faultDate, r.Packing!.FaultTag.FaultDate);
    }

    [Fact]
    public void A_fault_date_at_the_moment_of_packing_is_taken()
    {
        var r = OpenSwap();
        r.Pack(Engineer, Packing(Tag() with { FaultDate = PackedAt }), PackedAt);
        Assert.Equal(ReturnState.Packed, r.State);
    }

    [Fact]
    public void The_category_code_must_be_the_one_the_return_expects()
    {
        var e = Refused(Packing(Tag(code: "F001")));
        Assert.Contains("needs F006 (faulty part from customer swap), not F001 (wear-out)", e.Message);
        var dead = OpenDeadUnit();
        Assert.Equal("fault_tag.category_code", Refused(Packing(Tag(ClaimId, DeadSerial, "F006")), dead).Field);
    }

    [Fact]
    public void A_dead_unit_is_tagged_f003_with_the_claim_or_its_request_as_reference()
    {
        var byClaim = OpenDeadUnit();
        byClaim.Pack(Engineer, Packing(Tag(ClaimId, DeadSerial, "F003")), PackedAt);
        Assert.Equal(ReturnState.Packed, byClaim.State);
        var byRequest = OpenDeadUnit();
        byRequest.Pack(Engineer, Packing(Tag("PR-3", DeadSerial, "F003")), PackedAt);
        Assert.Equal("PR-3", byRequest.FaultTag!.Reference);
        Assert.Equal("fault_tag.reference", Refused(Packing(Tag(RequestId, DeadSerial, "F003")), OpenDeadUnit()).Field);
    }

    [Fact]
    public void Only_the_engineer_holding_it_packs_it()
    {
        var r = OpenSwap();
        var e = Assert.Throws<NotAllowedException>(() => r.Pack("eng-2", PackingFor(r), PackedAt));
        Assert.Contains("held by engineer eng-1", e.Message);
        Assert.Equal(ReturnState.Open, r.State);
    }

    [Fact]
    public void The_person_is_checked_before_the_fields()
    {
        var r = OpenSwap();
        Assert.Throws<NotAllowedException>(() => r.Pack("eng-2", Packing(sealedWith: "staples"), PackedAt));
    }

    [Fact]
    public void A_packed_return_is_not_packed_again()
    {
        var r = Packed();
        var e = Assert.Throws<RuleViolationException>(() => r.Pack(Engineer, PackingFor(r), PackedAt));
        Assert.Equal($"return {r.ReturnId} is Packed; only an Open return can be packed", e.Message);
    }
}
