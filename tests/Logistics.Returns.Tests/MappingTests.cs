using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Returns.Api;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.Returns.Events;
using Logistics.Returns.V1;
using Logistics.SharedKernel;
using static Logistics.Returns.Tests.ReturnTestKit;

namespace Logistics.Returns.Tests;

public sealed class MappingTests
{
    private static Domain.FaultyReturn Inspected()
    {
        var r = Received(esd: false);
        r.MarkDeadlinesPassed(Delivered.AddDays(40)); // nothing: received
        r.Inspect("wh-2", "no-fault-found", "A-01", "works on the bench", PackedAt.AddDays(3));
        return r;
    }

    [Fact]
    public void A_return_survives_the_store_document_unchanged()
    {
        foreach (var r in new[] { OpenSwap(), Packed(), Inspected(), Shipped(OpenDeadUnit()) })
        {
            var json = ReturnStore.Serialize(r);
            var back = ReturnStore.Deserialize(json);
            Assert.Equal(json, ReturnStore.Serialize(back));
            Assert.Equal(r.History.Count, back.History.Count);
            Assert.Equal(r.FaultTag, back.FaultTag);
            Assert.Empty(back.NewSteps);
        }
        Assert.Contains("\"state\":\"Closed\"", ReturnStore.Serialize(Inspected()));
    }

    [Fact]
    public void Return_changed_has_every_field_of_the_step()
    {
        var r = Shipped();
        r.MarkDeadlinesPassed(Delivered.AddDays(11));
        var e = ReturnEvents.Changed(r, r.History[^1]);
        Assert.Equal((r.ReturnId, "escalated", "Shipped", RequestId, "", Engineer, "C1", Part, FaultySerial, GoodSerial),
            (e.ReturnId, e.Step, e.State, e.RequestId, e.DoaClaimId, e.EngineerId, e.CentreId, e.PartNumber, e.Serial, e.ReplacementSerial));
        Assert.Equal((r.DueAt, true, false, false, "DHL", "TRK-1", "", "system", Delivered.AddDays(11), "F006", "SITE-1"),
            (e.DueAt.ToDateTimeOffset(), e.Overdue, e.Unreturned, e.EsdNonCompliant, e.Carrier, e.TrackingNo, e.ReceiptId, e.By,
             e.OccurredAt.ToDateTimeOffset(), e.CategoryCode, e.SiteId));
    }

    [Fact]
    public void The_inspection_goes_out_as_return_inspected_and_as_the_inspected_step_with_state_closed()
    {
        var r = Inspected();
        var inspectedStep = r.History.Single(s => s.Step == ReturnSteps.Inspected);
        Assert.Equal("Closed", ReturnEvents.Changed(r, inspectedStep).State);
        Assert.True(ReturnEvents.Changed(r, inspectedStep).EsdNonCompliant);
        var e = ReturnEvents.Inspected(r);
        Assert.Equal((r.ReturnId, "C1", Part, FaultySerial, "no-fault-found", "A-01", RequestId, "", Engineer, "wh-2", "works on the bench"),
            (e.ReturnId, e.CentreId, e.PartNumber, e.Serial, e.Result, e.Bin, e.RequestId, e.DoaClaimId, e.EngineerId, e.InspectedBy, e.Note));
        Assert.Equal(PackedAt.AddDays(3), e.InspectedAt.ToDateTimeOffset());
        Assert.False(ReturnHistorySteps.IsPublished(ReturnHistorySteps.Closed));
    }

    [Fact]
    public void The_api_shows_the_whole_return()
    {
        var p = ReturnsApi.ToProto(Inspected());
        Assert.Equal(("Closed", "no-fault-found", "wh-2", "works on the bench", "F006", "RC-1", true),
            (p.State, p.InspectionResult, p.InspectedBy, p.InspectionNote, p.ExpectedCategoryCode, p.ReceiptId, p.EsdNonCompliant));
        Assert.NotNull(p.ShippedAt);
        Assert.NotNull(p.ReceivedAt);
        Assert.NotNull(p.InspectedAt);
        Assert.Equal(("replacement", "F006", true), (p.FaultTag.Category, p.FaultTag.CategoryCode, p.FaultTag.DataRemovalConfirmed));
        var open = ReturnsApi.ToProto(OpenSwap());
        Assert.Null(open.FaultTag);
        Assert.Null(open.ShippedAt);
        Assert.Equal("", open.InspectionResult);
    }

    [Fact]
    public void Packing_fields_left_out_of_the_request_are_missing_not_false()
    {
        var entry = ReturnsApi.ToEntry(new PackReturnRequest { ReturnId = "RT-1", SealedWith = "tape", FaultTag = new V1.FaultTag { Category = "repair" } });
        Assert.Null(entry.InGoodPartPackaging);
        Assert.Null(entry.EsdBagSealed);
        Assert.Null(entry.EsdSymbol);
        Assert.Null(entry.FaultTag!.DataRemovalConfirmed);
        Assert.Null(entry.FaultTag.FaultDate);
        Assert.Null(ReturnsApi.ToEntry(new PackReturnRequest()).FaultTag);
        var given = ReturnsApi.ToEntry(new PackReturnRequest { InGoodPartPackaging = false, EsdBagSealed = true, EsdSymbol = true });
        Assert.Equal((false, true, true), (given.InGoodPartPackaging, given.EsdBagSealed, given.EsdSymbol));
    }

    [Fact]
    public void An_engineer_lists_only_their_own_returns()
    {
        var engineer = new Caller("eng-1", new HashSet<string> { Roles.Engineer });
        var supervisor = new Caller("sup-1", new HashSet<string> { Roles.Supervisor }, new HashSet<string> { "C1", "C2" });
        Assert.Equal("eng-1", ReturnsApi.Filter(new ListReturnsRequest(), engineer).EngineerId);
        Assert.Equal("eng-1", ReturnsApi.Filter(new ListReturnsRequest { EngineerId = "eng-1" }, engineer).EngineerId);
        Assert.Throws<NotAllowedException>(() => ReturnsApi.Filter(new ListReturnsRequest { EngineerId = "eng-2" }, engineer));
        Assert.Null(ReturnsApi.Filter(new ListReturnsRequest(), supervisor).EngineerId);
        Assert.Equal("eng-2", ReturnsApi.Filter(new ListReturnsRequest { EngineerId = "eng-2" }, supervisor).EngineerId);
    }

    [Fact]
    public void Staff_list_the_returns_of_their_centres_only()
    {
        var supervisor = new Caller("sup-1", new HashSet<string> { Roles.Supervisor }, new HashSet<string> { "C1", "C2" });
        Assert.Equal(["C1", "C2"], ReturnsApi.Filter(new ListReturnsRequest(), supervisor).Centres!);
        Assert.Equal(["C2"], ReturnsApi.Filter(new ListReturnsRequest { CentreId = "C2" }, supervisor).Centres!);
        var refused = Assert.Throws<NotAllowedException>(() => ReturnsApi.Filter(new ListReturnsRequest { CentreId = "C3" }, supervisor));
        Assert.Contains("supervisor sup-1 does not work for centre C3", refused.Message);
        var noCentres = new Caller("w1", new HashSet<string> { Roles.Warehouse });
        Assert.Contains("carries no centres", Assert.Throws<NotAllowedException>(() => ReturnsApi.Filter(new ListReturnsRequest(), noCentres)).Message);
        var dm = new Caller("dm-1", new HashSet<string> { Roles.DeliveryManager });
        Assert.True(ReturnsApi.Filter(new ListReturnsRequest(), dm).DoaOnly);
    }

    [Fact]
    public void An_engineer_reads_only_their_own_return()
    {
        var r = OpenSwap();
        r.EnsureVisibleTo(Engineer, seesEveryReturn: false);
        r.EnsureVisibleTo("wh-1", seesEveryReturn: true);
        Assert.Throws<NotAllowedException>(() => r.EnsureVisibleTo("eng-2", seesEveryReturn: false));
    }

    [Fact]
    public void List_filters_and_paging_are_checked()
    {
        var supervisor = new Caller("sup-1", new HashSet<string> { Roles.Supervisor }, new HashSet<string> { "C1" });
        var filter = ReturnsApi.Filter(new ListReturnsRequest { State = "shipped", Overdue = true }, supervisor);
        Assert.Equal((ReturnState.Shipped, true), (filter.State, filter.OverdueOnly));
        Assert.Equal("state", Assert.Throws<InvalidFieldException>(() => ReturnsApi.Filter(new ListReturnsRequest { State = "Lost" }, supervisor)).Field);
        Assert.Equal(50, ReturnsApi.PageSize(0));
        Assert.Equal(500, ReturnsApi.PageSize(500));
        Assert.Equal("page_size", Assert.Throws<InvalidFieldException>(() => ReturnsApi.PageSize(501)).Field);
        Assert.Equal("page_size", Assert.Throws<InvalidFieldException>(() => ReturnsApi.PageSize(-1)).Field);
    }

    [Fact]
    public void A_page_token_names_where_the_next_page_starts()
    {
        var cursor = new ReturnCursor(Delivered.AddDays(10), "RT-0123456789abcdef");
        Assert.Equal(cursor, ReturnCursor.Parse(cursor.ToToken()));
        Assert.Null(ReturnCursor.Parse(""));
        Assert.Matches("^[A-Za-z0-9_-]+$", cursor.ToToken());
        foreach (var bad in new[] { "nonsense!", System.Buffers.Text.Base64Url.EncodeToString("12"u8), System.Buffers.Text.Base64Url.EncodeToString("x|RT-1"u8),
                     System.Buffers.Text.Base64Url.EncodeToString("12|"u8) })
            Assert.Equal("page_token", Assert.Throws<InvalidFieldException>(() => ReturnCursor.Parse(bad)).Field);
    }

    [Fact]
    public void The_return_id_is_checked() =>
        Assert.Equal("return_id", Assert.Throws<InvalidFieldException>(() => ReturnsApi.ReturnIdOf("")).Field);
}
