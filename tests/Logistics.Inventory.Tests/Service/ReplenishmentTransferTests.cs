using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Inventory.V1;
using Logistics.Testing;

namespace Logistics.Inventory.Tests.Service;

/// <summary>
/// Accepting a replenishment proposal's transfer line, in-process over gRPC: the transfer is requested in the same
/// transaction as the decision, once (a replayed key or a second accept makes no second one), a refused accept writes
/// nothing, and the open transfer counts as incoming at the receiving centre and as promised at the sending one, so the
/// next proposals do not ask for the same units again.
/// </summary>
[Collection(InventoryServiceCollection.Name)]
public sealed class ReplenishmentTransferTests(InventoryHost inventory)
{
    private ServiceHost Service => inventory.Service;

    private static Metadata Key(string key) => new() { { "idempotency-key", key } };

    private sealed record Setup(string Id, string Source, string To, string Third, string Board);

    /// <summary>
    /// A serialized board: the source centre holds 10 with a max of 5 (5 above it); the receiving centre and a third centre
    /// hold none, min 1 and max 4 (a line of 4 each).
    /// </summary>
    private async Task<Setup> SetupAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var s = new Setup(id, $"SRC-{id}", $"TO-{id}", $"THR-{id}", $"BRD-{id}");
        var admin = new InventoryService.InventoryServiceClient(Service.GrpcAs("admin1", ["admin"]));
        foreach (var centre in new[] { s.Source, s.To, s.Third })
            await admin.PutCentreAsync(new PutCentreRequest { CentreId = centre, Name = "Spare-part centre", Bins = { "A-01" } });
        await admin.PutPartAsync(new PutPartRequest { PartNumber = s.Board, Description = "Main control board", Serialized = true });
        await new InventoryService.InventoryServiceClient(Service.GrpcAs($"wh-{s.Source}", ["warehouse"], [s.Source])).GoodsInAsync(new GoodsInRequest
        {
            CentreId = s.Source, PartNumber = s.Board, Bin = "A-01", Serials = { Enumerable.Range(1, 10).Select(n => $"SN-{id}-{n}") },
        }, Key($"gi-{id}"));
        await Replenishment(s.Source).SetStockLimitAsync(new SetStockLimitRequest { CentreId = s.Source, PartNumber = s.Board, ReorderPoint = 1, OrderUpTo = 5 });
        foreach (var centre in new[] { s.To, s.Third })
            await Replenishment(centre).SetStockLimitAsync(new SetStockLimitRequest { CentreId = centre, PartNumber = s.Board, ReorderPoint = 1, OrderUpTo = 4 });
        return s;
    }

    private ReplenishmentService.ReplenishmentServiceClient Replenishment(string centre) => new(Service.GrpcAs($"wh-{centre}", ["warehouse"], [centre]));

    private TransferService.TransferServiceClient Transfers(string centre) => new(Service.GrpcAs($"wh-{centre}", ["warehouse"], [centre]));

    private async Task<ReplenishmentProposal> ProposeAsync(string centre, string key) =>
        await Replenishment(centre).ProposeReplenishmentAsync(new ProposeReplenishmentRequest { CentreId = centre }, Key(key));

    [Fact]
    public async Task Accepting_a_transfer_line_requests_the_transfer_once_and_it_counts_as_incoming_and_promised()
    {
        var s = await SetupAsync();
        var proposal = await ProposeAsync(s.To, $"p-{s.Id}");
        var line = Assert.Single(proposal.Lines);
        Assert.Equal(("transfer", s.Source, 4), (line.Source, line.SourceCentre, line.Quantity));

        var accept = new AcceptReplenishmentProposalRequest { ProposalId = proposal.ProposalId, Lines = { new ReplenishmentLineChange { PartNumber = s.Board, Quantity = 3 } } };
        var accepted = await Replenishment(s.To).AcceptReplenishmentProposalAsync(accept, Key($"a-{s.Id}"));

        var decision = Assert.Single(accepted.Proposal.Decisions);
        Assert.Equal(("transfer", s.Source, 3), (decision.Action, decision.SourceCentre, decision.Quantity));
        Assert.StartsWith("TRF-", decision.TransferId, StringComparison.Ordinal);
        Assert.Empty(accepted.ExpectedGoodsIn);
        var transfer = await Transfers(s.Source).GetTransferAsync(new GetTransferRequest { TransferId = decision.TransferId });
        Assert.Equal(("Requested", s.Source, s.To, s.Board, 3), (transfer.State, transfer.FromCentreId, transfer.ToCentreId, transfer.PartNumber, transfer.Quantity));
        Assert.Equal($"replenishment proposal {proposal.ProposalId}", transfer.Note);
        Assert.Equal($"wh-{s.To}", transfer.RequestedBy);
        Assert.Single(await Service.OutboxAsync(), e => e.Topic == EventTopics.TransferChanged && e.Payload.Contains(decision.TransferId, StringComparison.Ordinal));

        // The same key replays the answer; a second accept is refused; either way one transfer.
        Assert.Equal(accepted, await Replenishment(s.To).AcceptReplenishmentProposalAsync(accept, Key($"a-{s.Id}")));
        var before = await Service.SettledStateAsync();
        var again = await Assert.ThrowsAsync<RpcException>(() => Replenishment(s.To).AcceptReplenishmentProposalAsync(accept, Key($"a2-{s.Id}")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal(before, await Service.StoredStateAsync());
        Assert.Equal(1L, await Service.ScalarAsync<long>("SELECT count(*) FROM transfers WHERE to_centre_id = $1", s.To));

        // Incoming at the receiving centre: 3 coming, 0 + 3 > 1, so the next proposal asks for nothing.
        Assert.Empty((await ProposeAsync(s.To, $"p2-{s.Id}")).Lines);
        // Promised at the source: 10 - 3 = 7, only 2 above its max, less than the third centre's line of 4: a purchase.
        var third = Assert.Single((await ProposeAsync(s.Third, $"p3-{s.Id}")).Lines);
        Assert.Equal(("purchase", "", 4), (third.Source, third.SourceCentre, third.Quantity));

        // Cancelled, the units are neither coming nor promised any more: the proposals ask for them again.
        await Transfers(s.To).CancelTransferAsync(new CancelTransferRequest { TransferId = decision.TransferId, Reason = "bought locally" }, Key($"c-{s.Id}"));
        var asked = Assert.Single((await ProposeAsync(s.To, $"p4-{s.Id}")).Lines);
        Assert.Equal(("transfer", 4), (asked.Source, asked.Quantity));
    }

    [Fact]
    public async Task A_refused_accept_of_a_transfer_line_writes_nothing_and_requests_no_transfer()
    {
        var s = await SetupAsync();
        var proposal = await ProposeAsync(s.To, $"p-{s.Id}");
        var before = await Service.SettledStateAsync();

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => Replenishment(s.To).AcceptReplenishmentProposalAsync(new AcceptReplenishmentProposalRequest
        {
            ProposalId = proposal.ProposalId, Lines = { new ReplenishmentLineChange { PartNumber = s.Board, Quantity = 501 } },
        }, Key($"a-{s.Id}")).ResponseAsync);
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => Replenishment(s.Source).AcceptReplenishmentProposalAsync(
            new AcceptReplenishmentProposalRequest { ProposalId = proposal.ProposalId }, Key($"a2-{s.Id}")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Contains("lines[0].quantity", tooMany.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, elsewhere.StatusCode);
        Assert.Equal(before, await Service.StoredStateAsync());
        Assert.Equal(0L, await Service.ScalarAsync<long>("SELECT count(*) FROM transfers WHERE to_centre_id = $1", s.To));
    }
}
