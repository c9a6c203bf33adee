using Logistics.Testing;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Events leave when the transaction that wrote them commits, not at the outbox relay's next poll: on a stack whose
/// relays poll only every ten minutes, a whole flow of events (stock in through inventory's movement relay, submit,
/// the reservation and its answer, the shipment, the signed receipt) still completes within the usual waits.
/// </summary>
public sealed class OutboxWakeTests(OutboxWakeTests.RarelyPollingStack fixture) : IClassFixture<OutboxWakeTests.RarelyPollingStack>
{
    /// <summary>The local stack with every service's relay polling every ten minutes: only the in-process wake is fast.</summary>
    public sealed class RarelyPollingStack : IAsyncLifetime
    {
        public TestStack Stack { get; } = new();

        public RarelyPollingStack() => Stack.Stack.ServiceSettings["Messaging__OutboxPollInterval"] = "00:10:00";

        public Task InitializeAsync() => Stack.InitializeAsync();

        public Task DisposeAsync() => Stack.DisposeAsync();
    }

    [Fact]
    public async Task A_request_is_reserved_shipped_and_delivered_without_waiting_for_a_poll()
    {
        using var flow = await Flow.StockedAsync(fixture.Stack);

        var (requestId, _) = await flow.DeliveredRequestAsync(); // each step waits at most Flow.Settle (30 s)

        Assert.Equal("Delivered", Flow.Text(await flow.RequestAsync(requestId), "state"));
    }
}
