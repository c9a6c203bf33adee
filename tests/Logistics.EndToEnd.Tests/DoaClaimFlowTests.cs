using System.Net;
using System.Net.Http.Json;
using Logistics.Testing;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// A unit dead on arrival, through the gateway: claim → approval by another delivery manager → urgent replacement
/// reserved, shipped and signed for → dead unit packed (F003), shipped back, quarantined on receipt, inspected → Closed.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DoaClaimFlowTests(TestStack stack)
{
    private static object Claim(string requestId, string serial, string detectedAt = "unboxing", DateTimeOffset? firstPowerOnAt = null,
        DateTimeOffset? siteAcceptedAt = null, bool outerPackagingIntact = true, string symptom = "no power on unboxing") => new
    {
        requestId, serial, detectedAt, symptom, evidenceRefs = new[] { "PHOTO-1", "UNBOX-RPT-1" }, outerPackagingIntact,
        firstPowerOnAt = firstPowerOnAt?.ToString("O"), siteAcceptedAt = siteAcceptedAt?.ToString("O"),
    };

    private async Task<JsonClaim> ClaimInStateAsync(Flow f, string claimId, string state) =>
        new(await Eventually.Until(async () => await Ok(await f.Dm.GetAsync($"/api/v1/doa-claims/{claimId}")), c => Text(c, "state") == state,
            Settle, $"claim {claimId} {state}"));

    private sealed record JsonClaim(System.Text.Json.JsonElement Body);

    [Fact]
    public async Task A_dead_unit_gets_an_urgent_replacement_and_its_return_closes_the_claim()
    {
        using var f = await StockedAsync(stack);
        var (requestId, dead) = await f.DeliveredRequestAsync();
        await f.StockBecomesAsync((2, 0, 2, 0, 0, 0), "the dead unit was delivered");

        var filed = await Eventually.Until(async () => await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, dead)),
            r => r.IsSuccessStatusCode, Settle, "doa knows the delivery");
        var claim = await Ok(filed);
        var claimId = Text(claim, "claimId");
        Assert.Equal("Filed", Text(claim, "state"));
        Assert.Equal("doa", Text(claim, "cause"));
        Assert.Equal(f.Engineer, Text(claim, "engineerId"));

        // Nobody approves their own claim; an engineer cannot decide at all.
        await Refused(await f.Dm.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:approve", new { }), HttpStatusCode.Forbidden);
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:approve", new { }), HttpStatusCode.Forbidden);
        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:inspect", new { result = "confirmed-doa" }), HttpStatusCode.BadRequest);
        Assert.Equal("Filed", Text(await Ok(await f.Dm.GetAsync($"/api/v1/doa-claims/{claimId}")), "state"));

        var approved = await Ok(await f.Dm2.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:approve", new { }));
        Assert.Equal("Approved", Text(approved, "state"));
        var replacementId = Text(approved, "replacementRequestId");
        var replacement = await f.RequestInStateAsync(replacementId, "Reserved");
        Assert.Equal("7x24x4", Text(replacement, "serviceLevel"));
        Assert.Equal(claimId, Text(replacement, "doaClaimId"));
        Assert.Equal(f.Engineer, Text(replacement, "engineerId"));
        await f.StockBecomesAsync((2, 1, 1, 0, 0, 0), "the replacement reserved");

        var spare = await f.FreeSerialAsync();
        await f.ShipAsync(replacementId, spare);
        await ClaimInStateAsync(f, claimId, "ReplacementShipped");
        await f.StockBecomesAsync((1, 0, 1, 1, 0, 0), "the replacement on its way");
        await Eventually.Until(async () => (await f.Eng.PostAsJsonAsync("/api/v1/receipts", Receipt("carrier-to-site", replacementId, [spare]))).IsSuccessStatusCode,
            Settle, "the replacement signed for at the site");
        await ClaimInStateAsync(f, claimId, "ReplacementReceived");
        await f.StockBecomesAsync((1, 0, 1, 0, 0, 0), "the replacement delivered");

        // The dead unit goes back through the returns flow with the DOA fault tag.
        var deadReturn = await Eventually.Until(async () =>
            {
                var list = await Ok(await f.Sup.GetAsync($"/api/v1/returns?engineerId={f.Engineer}"));
                return list.GetProperty("returns").EnumerateArray().FirstOrDefault(r => Text(r, "doaClaimId") == claimId);
            }, r => r.ValueKind == System.Text.Json.JsonValueKind.Object, Settle, "the dead-unit return opened");
        var returnId = Text(deadReturn, "returnId");
        Assert.Equal(dead, Text(deadReturn, "serial"));
        Assert.Equal("F003", Text(deadReturn, "expectedCategoryCode"));
        await Refused(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(claimId, dead, categoryCode: "F006")), HttpStatusCode.BadRequest, "category_code");
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:pack", f.Packing(claimId, dead, categoryCode: "F003")));
        await Ok(await f.Eng.PostAsJsonAsync($"/api/v1/returns/{returnId}:ship", new { carrier = "SF Express", trackingNo = "DOA-BACK-" + f.Id }));
        await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", returnId, [dead]))).IsSuccessStatusCode,
            Settle, "the centre signs for the dead unit");
        await ClaimInStateAsync(f, claimId, "UnitReturned");
        await f.StockBecomesAsync((1, 0, 1, 0, 0, 1), "the dead unit quarantined on receipt");

        await Refused(await f.Warehouse.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:inspect", new { result = "broken" }), HttpStatusCode.BadRequest, "result");
        var inspected = await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:inspect", new { result = "confirmed-doa", note = "PSU dead" }));
        Assert.Contains(Text(inspected, "state"), new[] { "Inspected", "Closed" });
        await ClaimInStateAsync(f, claimId, "Closed");
        await f.StockBecomesAsync((1, 0, 1, 0, 0, 1), "still quarantined for the vendor");
    }

    [Fact]
    public async Task Ineligible_claims_are_refused_with_the_reason_and_write_nothing()
    {
        using var f = await StockedAsync(stack);
        var (requestId, delivered) = await f.DeliveredRequestAsync();
        await Eventually.Until(async () => (await f.Dm.GetAsync("/api/v1/doa-claims")).IsSuccessStatusCode, Settle, "doa answers");
        var rows = await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_claims");
        var now = DateTimeOffset.UtcNow;

        // Wait until doa has seen the delivery (a claim for it would be accepted), without filing one.
        await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.deliveries WHERE serial = $1", delivered) == 1,
            Settle, "doa knows the delivery");

        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, f.Serials[2])), HttpStatusCode.BadRequest, "not delivered");
        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered, "power-on", firstPowerOnAt: now.AddDays(-3))), HttpStatusCode.BadRequest, "48");
        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered, siteAcceptedAt: now.AddMinutes(-5))), HttpStatusCode.BadRequest, "accept");
        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered, "later")), HttpStatusCode.BadRequest, "detected_at");
        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered, symptom: "")), HttpStatusCode.BadRequest, "symptom");
        await Refused(await f.Warehouse.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered)), HttpStatusCode.Forbidden);
        await Refused(await f.OtherEng.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered)), HttpStatusCode.Forbidden);
        Assert.Equal(rows, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_claims"));

        // The engineer the unit was delivered to may file; a second claim for the serial is refused.
        var first = await Ok(await f.Eng.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered, "within-48h", firstPowerOnAt: now.AddHours(-2))));
        await Refused(await f.Dm.PostAsJsonAsync("/api/v1/doa-claims", Claim(requestId, delivered)), HttpStatusCode.BadRequest, Text(first, "claimId"));
        Assert.Equal(rows + 1, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.doa_claims"));

        // The filer (an engineer) cannot decide; the delivery manager rejects with a reason; nothing is replaced.
        var claimId = Text(first, "claimId");
        await Refused(await f.Dm.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:reject", new { reason = "" }), HttpStatusCode.BadRequest, "reason");
        var rejected = await Ok(await f.Dm.PostAsJsonAsync($"/api/v1/doa-claims/{claimId}:reject", new { reason = "unit works after reseating" }));
        Assert.Equal("Rejected", Text(rejected, "state"));
        Assert.Equal(0, await stack.ScalarAsync<long>("SELECT count(*) FROM doa.outbox WHERE topic = 'doa-claim-approved' AND payload->>'claimId' = $1", claimId));
    }
}
