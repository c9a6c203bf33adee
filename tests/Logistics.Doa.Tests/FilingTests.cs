using Logistics.Doa.Domain;
using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>Each field of a filing on its own: a bad one is INVALID_ARGUMENT naming it, and nothing is filed.</summary>
public sealed class FilingTests
{
    private static InvalidFieldException Invalid(DoaFiling filing, DateTimeOffset? now = null) =>
        Assert.Throws<InvalidFieldException>(() => File(filing, now: now));

    [Fact]
    public void A_unit_dead_on_unboxing_is_filed_with_the_delivery_facts()
    {
        var claim = File();
        Assert.Equal("DOA-1", claim.ClaimId);
        Assert.Equal(DoaClaimState.Filed, claim.State);
        Assert.Equal(("PR-1", "S1", "P-100", "C-1", "SITE-9", "eng-1", "T-42"),
            (claim.RequestId, claim.Serial, claim.PartNumber, claim.CentreId, claim.SiteId, claim.EngineerId, claim.TicketId));
        Assert.Equal(Delivered, claim.DeliveredAt);
        Assert.Equal(DetectionPoint.Unboxing, claim.DetectedAt);
        Assert.Equal(Delivered.AddHours(1), claim.DetectedOn);
        Assert.Equal("no power", claim.Symptom);
        Assert.Equal(["PHOTO-1"], claim.EvidenceRefs);
        Assert.Equal(DoaCause.Doa, claim.Cause);
        Assert.Equal("dm-1", claim.FiledBy);
        Assert.Equal(Delivered.AddHours(2), claim.FiledAt);
        Assert.Null(claim.ReplacementRequestId);
        var filed = Assert.Single(claim.History);
        Assert.Equal((null, DoaClaimState.Filed, "filed", "dm-1"), (filed.From, filed.To, filed.Step, filed.By));
    }

    [Fact]
    public void Damaged_outer_packaging_makes_it_a_carrier_claim() =>
        Assert.Equal(DoaCause.Carrier, File(Unboxing(outerIntact: false)).Cause);

    [Fact]
    public void Whether_the_outer_packaging_was_intact_is_required() =>
        Assert.Equal("outer_packaging_intact", Invalid(Unboxing(outerIntact: null)).Field);

    [Fact]
    public void Detected_on_defaults_to_now()
    {
        var now = Delivered.AddHours(5);
        var claim = File(Unboxing() with { DetectedOn = null }, now: now);
        Assert.Equal(now, claim.DetectedOn);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("installation")]
    [InlineData("power on")]
    public void Detected_at_must_be_unboxing_power_on_or_within_48h(string? code) =>
        Assert.Equal("detected_at", Invalid(Unboxing() with { DetectedAt = code }).Field);

    [Theory]
    [InlineData("unboxing", DetectionPoint.Unboxing)]
    [InlineData("POWER-ON", DetectionPoint.PowerOn)]
    [InlineData("within-48h", DetectionPoint.Within48h)]
    public void Detection_points_are_read_in_any_case(string code, DetectionPoint point) =>
        Assert.Equal(point, DoaCodes.ParseDetection(code));

    [Theory]
    [InlineData("power-on")]
    [InlineData("within-48h")]
    public void First_power_on_is_required_when_the_failure_showed_after_power_on(string detectedAt)
    {
        var e = Invalid(PowerOn(null, Delivered.AddHours(1), detectedAt));
        Assert.Equal("first_power_on_at", e.Field);
        Assert.Contains("required", e.Message);
    }

    [Fact]
    public void Detected_on_in_the_future_is_refused_but_a_minute_of_clock_skew_is_tolerated()
    {
        var now = Delivered.AddHours(2);
        File(Unboxing(detectedOn: now.AddMinutes(1)), now: now);
        var e = Invalid(Unboxing(detectedOn: now.AddMinutes(1).AddSeconds(1)), now);
        Assert.Equal("detected_on", e.Field);
        Assert.Contains("in the future", e.Message);
    }

    [Fact]
    public void First_power_on_in_the_future_is_refused()
    {
        var now = Delivered.AddHours(2);
        Assert.Equal("first_power_on_at", Invalid(PowerOn(now.AddHours(1), now), now).Field);
    }

    [Fact]
    public void A_power_on_failure_cannot_be_detected_before_the_first_power_on()
    {
        var e = Invalid(PowerOn(Delivered.AddHours(1), Delivered.AddMinutes(30)));
        Assert.Equal("detected_on", e.Field);
        Assert.Contains("before first_power_on_at", e.Message);
    }

    [Theory]
    [InlineData("detected_on")]
    [InlineData("first_power_on_at")]
    [InlineData("site_accepted_at")]
    public void A_time_before_2000_is_refused_as_older_than_any_part(string field)
    {
        var filing = field switch
        {
            "detected_on" => Unboxing(detectedOn: DateTimeOffset.MinValue),
            "first_power_on_at" => PowerOn(new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.Zero), Delivered.AddHours(1)),
            _ => Unboxing(siteAcceptedAt: DateTimeOffset.MinValue),
        };
        var e = Invalid(filing);
        Assert.Equal(field, e.Field);
        Assert.Contains("is before 2000-01-01T00:00:00Z", e.Message);
    }

    [Fact]
    public void Site_acceptance_in_the_future_is_refused() =>
        Assert.Equal("site_accepted_at", Invalid(Unboxing(siteAcceptedAt: Delivered.AddDays(2))).Field);

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void A_symptom_is_required(string? symptom) =>
        Assert.Equal("symptom", Invalid(Unboxing() with { Symptom = symptom }).Field);

    [Fact]
    public void A_symptom_longer_than_the_policy_allows_is_refused() =>
        Assert.Equal("symptom", Invalid(Unboxing() with { Symptom = new string('x', 1001) }).Field);

    [Fact]
    public void Evidence_is_optional() => Assert.Empty(File(Unboxing(evidence: [])).EvidenceRefs);

    [Fact]
    public void At_most_twenty_evidence_references()
    {
        File(Unboxing(evidence: Enumerable.Range(1, 20).Select(i => $"PHOTO-{i}").ToArray()));
        var e = Invalid(Unboxing(evidence: Enumerable.Range(1, 21).Select(i => $"PHOTO-{i}").ToArray()));
        Assert.Equal("evidence_refs", e.Field);
        Assert.Contains("at most 20", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("photo 1")]
    [InlineData("PHOTO/1")]
    public void Each_evidence_reference_is_a_code(string reference) =>
        Assert.Equal("evidence_refs", Invalid(Unboxing(evidence: [reference])).Field);

    [Fact]
    public void An_evidence_reference_is_at_most_64_characters()
    {
        File(Unboxing(evidence: [new string('A', 64)]));
        Assert.Equal("evidence_refs", Invalid(Unboxing(evidence: [new string('A', 65)])).Field);
    }

    [Fact]
    public void An_evidence_reference_listed_twice_is_refused() =>
        Assert.Equal("evidence_refs", Invalid(Unboxing(evidence: ["PHOTO-1", "PHOTO-1"])).Field);

    [Theory]
    [InlineData(null)]
    [InlineData("PR 1")]
    public void The_request_id_is_a_required_code(string? requestId) =>
        Assert.Equal("request_id", Invalid(Unboxing() with { RequestId = requestId }).Field);

    [Theory]
    [InlineData(null)]
    [InlineData("S 1")]
    [InlineData("S.1")]
    public void The_serial_is_required_and_well_formed(string? serial) =>
        Assert.Equal("serial", Invalid(Unboxing() with { Serial = serial }).Field);

    [Fact]
    public void Field_errors_come_before_eligibility()
    {
        // No delivery at all, yet the bad field is what is reported.
        var e = Assert.Throws<InvalidFieldException>(() => File(Unboxing() with { Symptom = "" }, noDelivery: true));
        Assert.Equal("symptom", e.Field);
    }
}
