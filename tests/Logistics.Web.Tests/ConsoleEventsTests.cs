using Google.Protobuf;
using Logistics.Events.V1;
using Logistics.Web.Inbox;
using Logistics.Web.Live;

namespace Logistics.Web.Tests;

/// <summary>Which screens an event wakes: the keys read from its proto3 JSON.</summary>
public sealed class ConsoleEventsTests
{
    [Fact]
    public void A_lost_in_transit_step_wakes_its_investigation_its_request_the_centre_the_engineer_and_its_serials()
    {
        var json = JsonFormatter.Default.Format(new TransitInvestigationChanged
        {
            InvestigationId = "TI-PR-1", Step = "opened", Reference = "PR-1", CentreId = "C1", EngineerId = "eng-1", Serials = { "S1" },
        });

        var keys = ConsoleEvents.KeysOf(json);

        Assert.Subset(new HashSet<string>(keys), new HashSet<string> { "TI-PR-1", "PR-1", "centre:C1", "engineer:eng-1", ConsoleEvents.SerialKey("S1") });
        Assert.Contains(EventTopics.TransitInvestigationChanged, ConsoleEvents.Topics);
        Assert.Contains("inbox:delivery-manager", InboxRules.KeysOfTopic(EventTopics.TransitInvestigationChanged));
    }
}
