using Logistics.Doa.Domain;
using Logistics.SharedKernel;
using static Logistics.Doa.Tests.DoaTestKit;

namespace Logistics.Doa.Tests;

/// <summary>Eligibility (docs/domain.md "DOA claim"): delivered to that site, within the window, no earlier claim, site not yet accepted.</summary>
public sealed class EligibilityTests
{
    [Fact]
    public void A_serial_not_delivered_on_the_request_is_refused()
    {
        var e = Assert.Throws<RuleViolationException>(() => File(noDelivery: true));
        Assert.Equal("serial S1 was not delivered on request PR-1", e.Message);
    }

    [Fact]
    public void A_delivery_on_another_request_does_not_count()
    {
        var e = Assert.Throws<RuleViolationException>(() => File(delivery: Unit with { RequestId = "PR-2" }));
        Assert.Equal("serial S1 was not delivered on request PR-1", e.Message);
    }

    [Fact]
    public void The_engineer_the_unit_was_delivered_to_may_file()
    {
        var claim = File(filer: Engineer);
        Assert.Equal("eng-1", claim.FiledBy);
    }

    [Fact]
    public void Another_engineer_may_not_file_for_it()
    {
        var e = Assert.Throws<NotAllowedException>(() => File(filer: new Filer("eng-2", IsDeliveryManager: false)));
        Assert.Contains("was delivered to eng-1", e.Message);
    }

    [Fact]
    public void A_delivery_manager_may_file_for_any_delivered_unit() =>
        Assert.Equal("dm-7", File(filer: new Filer("dm-7", IsDeliveryManager: true)).FiledBy);

    [Fact]
    public void A_second_claim_for_the_serial_is_refused_while_the_first_is_not_rejected()
    {
        foreach (var state in Enum.GetValues<DoaClaimState>().Where(s => s != DoaClaimState.Rejected))
        {
            var e = Assert.Throws<RuleViolationException>(() => File(earlier: [new EarlierClaim("DOA-0", state)]));
            Assert.Equal("serial S1 already has claim DOA-0", e.Message);
        }
    }

    [Fact]
    public void After_a_rejected_claim_the_serial_may_be_claimed_again() =>
        Assert.Equal(DoaClaimState.Filed, File(earlier: [new EarlierClaim("DOA-0", DoaClaimState.Rejected)]).State);

    [Fact]
    public void A_claim_after_preliminary_acceptance_of_the_site_is_refused()
    {
        var detected = Delivered.AddHours(1);
        var e = Assert.Throws<RuleViolationException>(() => File(Unboxing(detectedOn: detected, siteAcceptedAt: detected.AddMinutes(-5))));
        Assert.Contains("passed preliminary acceptance", e.Message);
        // Accepted at the very moment of detection is accepted already.
        Assert.Throws<RuleViolationException>(() => File(Unboxing(detectedOn: detected, siteAcceptedAt: detected)));
    }

    [Fact]
    public void A_site_accepted_after_the_failure_was_detected_does_not_block_the_claim()
    {
        var detected = Delivered.AddHours(1);
        var claim = File(Unboxing(detectedOn: detected, siteAcceptedAt: detected.AddMinutes(30)));
        Assert.Equal(detected.AddMinutes(30), claim.SiteAcceptedAt);
    }

    [Fact]
    public void On_unboxing_the_window_runs_48_hours_from_delivery_last_moment_included()
    {
        var edge = Delivered.AddHours(48);
        File(Unboxing(detectedOn: edge), now: edge);
        var e = Assert.Throws<RuleViolationException>(() => File(Unboxing(detectedOn: edge.AddSeconds(1)), now: edge.AddSeconds(1)));
        Assert.Equal(
            "outside the DOA window: serial S1 was detected at 2026-03-04T10:00:01Z, more than 48 h after its delivery at 2026-03-02T10:00:00Z",
            e.Message);
    }

    [Theory]
    [InlineData("power-on")]
    [InlineData("within-48h")]
    public void After_power_on_the_window_runs_48_hours_from_first_power_on(string detectedAt)
    {
        // Powered on a week after delivery: still a DOA when it fails within 48 h of that.
        var firstPowerOn = Delivered.AddDays(7);
        var now = firstPowerOn.AddDays(3);
        File(PowerOn(firstPowerOn, firstPowerOn.AddHours(48), detectedAt), now: now);
        var e = Assert.Throws<RuleViolationException>(() => File(PowerOn(firstPowerOn, firstPowerOn.AddHours(48).AddSeconds(1), detectedAt), now: now));
        Assert.StartsWith("outside the DOA window", e.Message);
        Assert.Contains("after its first power-on at 2026-03-09T10:00:00Z", e.Message);
    }

    [Fact]
    public void The_window_is_a_setting()
    {
        var policy = DoaPolicy.Default with { Window = TimeSpan.FromHours(24) };
        File(Unboxing(detectedOn: Delivered.AddHours(24)), policy: policy, now: Delivered.AddHours(30));
        var e = Assert.Throws<RuleViolationException>(() =>
            File(Unboxing(detectedOn: Delivered.AddHours(25)), policy: policy, now: Delivered.AddHours(30)));
        Assert.Contains("more than 24 h after", e.Message);
    }

    [Fact]
    public void The_unboxing_check_may_come_before_the_receipt_is_signed_by_up_to_a_day()
    {
        // Unpacked and powered on with the customer, then the unboxing report (the receipt) is signed.
        var claim = File(PowerOn(Delivered.AddHours(-24), Delivered.AddHours(-23)), now: Delivered.AddHours(1));
        Assert.Equal(Delivered.AddHours(-24), claim.FirstPowerOnAt);
        File(Unboxing(detectedOn: Delivered.AddHours(-24)));
    }

    [Fact]
    public void A_detection_more_than_a_day_before_the_delivery_cannot_be_true()
    {
        var e = Assert.Throws<InvalidFieldException>(() => File(Unboxing(detectedOn: Delivered.AddHours(-24).AddSeconds(-1))));
        Assert.Equal("detected_on", e.Field);
        Assert.Contains("more than 24 h before serial S1 was signed for", e.Message);
    }

    [Fact]
    public void A_first_power_on_more_than_a_day_before_the_delivery_cannot_be_true()
    {
        var powerOn = Delivered.AddHours(-24).AddSeconds(-1);
        var e = Assert.Throws<InvalidFieldException>(() => File(PowerOn(powerOn, powerOn.AddHours(47)), now: Delivered.AddDays(1)));
        Assert.Equal("first_power_on_at", e.Field);
    }

    [Fact]
    public void A_first_power_on_days_ago_is_reported_as_outside_the_window()
    {
        var now = Delivered.AddMinutes(5);
        var e = Assert.Throws<RuleViolationException>(() => File(PowerOn(now.AddDays(-3), now), now: now));
        Assert.Contains("more than 48 h after its first power-on", e.Message);
    }

    [Fact]
    public void The_first_failing_rule_is_the_one_reported()
    {
        // Another engineer, an earlier claim and outside the window: not theirs is what they hear.
        Assert.Throws<NotAllowedException>(() => File(Unboxing(detectedOn: Delivered.AddDays(5)), new Filer("eng-2", false),
            earlier: [new EarlierClaim("DOA-0", DoaClaimState.Filed)], now: Delivered.AddDays(5)));
        // An earlier claim is reported before the window.
        var e = Assert.Throws<RuleViolationException>(() => File(Unboxing(detectedOn: Delivered.AddDays(5)),
            earlier: [new EarlierClaim("DOA-0", DoaClaimState.Filed)], now: Delivered.AddDays(5)));
        Assert.Contains("already has claim", e.Message);
    }

    [Fact]
    public void Eligibility_is_a_function_of_the_facts_alone()
    {
        var filing = Unboxing().Validate(Delivered.AddHours(2), Policy);
        Assert.Same(Unit, DoaEligibility.Check(filing, Manager, Unit, [], Policy));
    }
}
