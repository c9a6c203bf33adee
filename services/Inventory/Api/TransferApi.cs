using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Domain.Transfers;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using TransferProto = Logistics.Inventory.V1.Transfer;

namespace Logistics.Inventory.Api;

/// <summary>
/// Transfers between centres: thin over <see cref="Domain.Transfers.Transfer"/>. Every step runs in one Postgres
/// transaction (the transfer locked, its transfer-changed event in the outbox) and moves stock through the reserve,
/// release and transfer scripts under idempotency keys made of the transfer and the step, so a retry after a crash
/// replays the first move instead of making a second. What a script would refuse is checked before the first script
/// runs, so a refused step writes nothing.
/// </summary>
public sealed class TransferApi(Commands commands, CatalogueCache catalogue, StockStore stock, TransferStore transfers, TimeProvider clock)
    : TransferService.TransferServiceBase
{
    public const int DefaultPageSize = 50;

    public override async Task<TransferProto> RequestTransfer(RequestTransferRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var to = await RequireCentreAsync(request.CentreId, "centre_id", ct);
        caller.RequireCentre(to.CentreId);
        var partNumber = StockFields.PartNumber(request.PartNumber);
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        var id = "TRF-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]).ToUpperInvariant();
        var part = await catalogue.PartAsync(partNumber, ct) ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        var transfer = Domain.Transfers.Transfer.Request(id, request.FromCentreId, to.CentreId, partNumber, request.Quantity, request.Note,
            caller.UserId, clock.GetUtcNow(), part.Serialized);
        await RequireCentreAsync(transfer.FromCentreId, "from_centre_id", ct);
        return await commands.RunAsync(context, request, async tx =>
        {
            await TransferStore.InsertAsync(tx, transfer, ct);
            await InventoryEvents.PublishTransferChangedAsync(tx, transfer, transfer.State, caller.UserId, transfer.RequestedAt, ct);
            return ToProto(transfer);
        });
    }

    public override async Task<ListTransfersResponse> ListTransfers(ListTransfersRequest request, ServerCallContext context)
    {
        var centres = Caller.From(context).CentresToList(string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id"));
        var direction = request.Direction switch
        {
            "" or "incoming" or "outgoing" => request.Direction,
            _ => throw new InvalidFieldException("direction", $"'{request.Direction}' is not a direction (incoming, outgoing)"),
        };
        var state = string.IsNullOrEmpty(request.State) ? "" : request.State == "open" ? "open"
            : System.Enum.TryParse<TransferState>(request.State, out var s) && System.Enum.IsDefined(s) && !request.State.Any(char.IsDigit) ? s.ToString()
            : throw new InvalidFieldException("state", $"'{request.State}' is not a transfer state ({string.Join(", ", System.Enum.GetNames<TransferState>())}, open)");
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > TransferStore.MaxPageSize
                ? throw new InvalidFieldException("page_size", $"must be between 1 and {TransferStore.MaxPageSize}") : request.PageSize;
        var offset = string.IsNullOrEmpty(request.PageToken) ? 0
            : int.TryParse(request.PageToken, out var n) && n >= 0 && n <= 1_000_000 ? n : throw new InvalidFieldException("page_token", "is not a token this API gave");
        var rows = await transfers.ListAsync(centres, direction, state, offset, size, context.CancellationToken);
        return new ListTransfersResponse
        {
            Transfers = { rows.Take(size).Select(ToProto) },
            NextPageToken = rows.Count > size ? (offset + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        };
    }

    public override async Task<TransferProto> GetTransfer(GetTransferRequest request, ServerCallContext context)
    {
        var t = await transfers.ReadAsync(TransferId(request.TransferId), context.CancellationToken);
        RequireEitherCentre(Caller.From(context), t);
        return ToProto(t);
    }

    public override Task<TransferProto> PickTransfer(PickTransferRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.TransferId, sending: true, async (before, by, at, tx) =>
        {
            if (!before.Serialized)
            {
                // Confirmed by count; the reserve script refuses (writing nothing) when fewer are available.
                if (request.Serials.Count > 0)
                    throw new InvalidFieldException("serials", $"part {before.PartNumber} is tracked by quantity; confirm the quantity picked, without serials");
                var counted = before.PickQuantity(by, request.Quantity, at);
                await stock.ReserveAsync(Command(before.FromCentreId, before.TransferId, "reserve", at), before.PartNumber, before.Quantity,
                    before.TransferId, TransferMoves.ReservationId(before.TransferId), ServiceLevel.NextBusinessDay, before.RequestedAt, backorderIfShort: false);
                return counted;
            }
            var after = before.Pick(by, request.Serials, at);
            // The serials must be on hand at the sending centre now; the ship script checks again when they leave.
            var held = (await stock.ListSerialsAsync(before.FromCentreId, before.PartNumber)).ToDictionary(s => s.Serial, StringComparer.Ordinal);
            foreach (var serial in after.Serials)
            {
                if (!held.TryGetValue(serial, out var h) || h.Place != SerialPlace.OnHand)
                    throw new InvalidFieldException("serials", $"serial {serial} of part {before.PartNumber} is not on hand at centre {before.FromCentreId}"
                        + (h is null ? "" : $" (it is {StockJson.PlaceName(h.Place)})"));
            }
            await stock.ReserveAsync(Command(before.FromCentreId, before.TransferId, "reserve", at), before.PartNumber, before.Quantity,
                before.TransferId, TransferMoves.ReservationId(before.TransferId), ServiceLevel.NextBusinessDay, before.RequestedAt, backorderIfShort: false);
            return after;
        });

    public override Task<TransferProto> ShipTransfer(ShipTransferRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.TransferId, sending: true, async (before, by, at, tx) =>
        {
            var after = before.Ship(by, request.Carrier, request.TrackingNumber, request.EsdPackaging, at);
            await stock.TransferAsync(Command(before.FromCentreId, before.TransferId, "ship", at), MovementKind.TransferShipped, before.PartNumber,
                TransferMoves.ReservationId(before.TransferId), after.Serials, before.Quantity, null, before.TransferId, TransferMoves.Party(before.ToCentreId),
                after.Shipment!.Carrier, after.Shipment.TrackingNumber);
            return after;
        });

    public override Task<TransferProto> ReceiveTransfer(ReceiveTransferRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.TransferId, sending: false, async (before, by, at, tx) =>
        {
            var to = await RequireCentreAsync(before.ToCentreId, "centre_id", context.CancellationToken);
            var arriving = before.Serialized ? request.Serials.Count : request.Quantity;
            var bin = arriving > 0 ? to.RequireBin(request.Bin)
                : string.IsNullOrEmpty(request.Bin) ? "" : throw new InvalidFieldException("bin", "nothing arrived to put in a bin");
            if (!before.Serialized)
            {
                if (request.Serials.Count > 0)
                    throw new InvalidFieldException("serials", $"part {before.PartNumber} is tracked by quantity; count what arrived, without serials");
                var counted = before.ReceiveQuantity(by, request.Quantity, bin, request.Final, at);
                var count = counted.Receipts[^1];
                if (count.Quantity == 0) return counted;
                await MoveArrivedAsync(before, count, [], count.Quantity, at);
                return counted;
            }
            var after = before.Receive(by, request.Serials, bin, request.Final, at);
            var receipt = after.Receipts[^1];
            if (receipt.Accepted.Count == 0) return after;
            // A serial the receiving centre already holds would be refused by its script after the sending side moved: check first.
            // Not on a retry of a receipt whose script already ran (the process died before the commit): the centre holds
            // the serials because of this very receipt, and the script replays its first result.
            if (!await stock.IsRetryAsync(Command(before.ToCentreId, before.TransferId, $"receipt-{receipt.Number}-in", at)))
            {
                var held = (await stock.ListSerialsAsync(before.ToCentreId, before.PartNumber)).ToDictionary(s => s.Serial, StringComparer.Ordinal);
                if (receipt.Accepted.FirstOrDefault(held.ContainsKey) is { } twice)
                    throw new RuleViolationException($"serial {twice} of part {before.PartNumber} is already held at centre {before.ToCentreId} ({StockJson.PlaceName(held[twice].Place)})");
            }
            await MoveArrivedAsync(before, receipt, receipt.Accepted, receipt.Accepted.Count, at);
            return after;
        });

    /// <summary>
    /// A receipt's stock: into the receiving centre first (it serves its backorders), then out of the sending centre's
    /// transit; the serials accepted, or (none) the units counted in.
    /// </summary>
    private async Task MoveArrivedAsync(Domain.Transfers.Transfer before, Domain.Transfers.TransferReceipt receipt, IReadOnlyList<string> serials,
        int quantity, DateTimeOffset at)
    {
        var step = "receipt-" + receipt.Number;
        var carrier = before.Shipment?.Carrier ?? "";
        var tracking = before.Shipment?.TrackingNumber ?? "";
        await stock.TransferAsync(Command(before.ToCentreId, before.TransferId, step + "-in", at), MovementKind.TransferReceived, before.PartNumber,
            "", serials, quantity, receipt.Bin, before.TransferId, TransferMoves.Party(before.FromCentreId), carrier, tracking);
        await stock.TransferAsync(Command(before.FromCentreId, before.TransferId, step + "-out", at), MovementKind.TransferDelivered, before.PartNumber,
            TransferMoves.ReservationId(before.TransferId), serials, quantity, null, before.TransferId, TransferMoves.Party(before.ToCentreId), carrier, tracking);
    }

    public override Task<TransferProto> CancelTransfer(CancelTransferRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.TransferId, sending: null, async (before, by, at, tx) =>
        {
            var after = before.Cancel(by, request.Reason, at);
            if (before.State == TransferState.Picked)
                await stock.ReleaseAsync(Command(before.FromCentreId, before.TransferId, "release", at), TransferMoves.ReservationId(before.TransferId));
            return after;
        });

    /// <summary>
    /// One step: lock the transfer, check the caller works for the centre that takes the step (sending, receiving, or
    /// either when null), let the domain decide and move the stock, save, and publish; all or nothing.
    /// </summary>
    private Task<TransferProto> StepAsync(ServerCallContext context, Google.Protobuf.IMessage request, string? transferId, bool? sending,
        Func<Domain.Transfers.Transfer, string, DateTimeOffset, Npgsql.NpgsqlTransaction, Task<Domain.Transfers.Transfer>> step)
    {
        var id = TransferId(transferId);
        var caller = Caller.From(context);
        var ct = context.CancellationToken;
        return commands.RunAsync(context, request, async tx =>
        {
            var before = await TransferStore.ReadForUpdateAsync(tx, id, ct);
            if (sending is true) caller.RequireCentre(before.FromCentreId);
            else if (sending is false) caller.RequireCentre(before.ToCentreId);
            else RequireEitherCentre(caller, before);
            var at = clock.GetUtcNow();
            var after = await step(before, caller.UserId, at, tx);
            await TransferStore.UpdateAsync(tx, after, at, ct);
            await InventoryEvents.PublishTransferChangedAsync(tx, after, before.State, caller.UserId, at, ct);
            return ToProto(after);
        });
    }

    private static void RequireEitherCentre(Caller caller, Domain.Transfers.Transfer t)
    {
        if (!caller.CanActFor(t.FromCentreId)) caller.RequireCentre(t.ToCentreId);
    }

    /// <summary>The key is the transfer and the step: a retried step replays the first move, never makes a second.</summary>
    private static StockCommand Command(string centreId, string transferId, string step, DateTimeOffset at) =>
        new(centreId, TransferMoves.Key(transferId, step), Guid.NewGuid(), at);

    private static string TransferId(string? value) => Require.Code(value, "transfer_id", 64);

    private async Task<SparePartCentre> RequireCentreAsync(string? centreId, string field, CancellationToken ct)
    {
        var id = Require.Code(centreId, field);
        return await catalogue.CentreAsync(id, ct) ?? throw new NotFoundException($"centre {id} does not exist");
    }

    public static TransferProto ToProto(Domain.Transfers.Transfer t) => new()
    {
        TransferId = t.TransferId, FromCentreId = t.FromCentreId, ToCentreId = t.ToCentreId, PartNumber = t.PartNumber, Quantity = t.Quantity,
        State = t.State.ToString(), RequestedBy = t.RequestedBy, RequestedAt = Timestamp.FromDateTimeOffset(t.RequestedAt), Note = t.Note,
        Serials = { t.Serials }, Carrier = t.Shipment?.Carrier ?? "", TrackingNumber = t.Shipment?.TrackingNumber ?? "",
        EsdPackaging = t.Shipment?.EsdPackaging ?? false, InTransitSerials = { t.InTransitSerials }, ReceivedSerials = { t.ReceivedSerials },
        MissingSerials = { t.MissingSerials }, UnexpectedSerials = { t.UnexpectedSerials }, CancelReason = t.CancelReason,
        Serialized = t.Serialized, ReceivedQuantity = t.ReceivedQuantity, InTransitQuantity = t.InTransitQuantity, MissingQuantity = t.MissingQuantity,
        LostSerials = { t.LostSerials }, LostQuantity = t.LostQuantity, LostInvestigationId = t.LostInvestigationId,
        Receipts =
        {
            t.Receipts.Select(r => new Logistics.Inventory.V1.TransferReceipt
            {
                Number = r.Number, By = r.By, At = Timestamp.FromDateTimeOffset(r.At), Bin = r.Bin,
                Accepted = { r.Accepted }, Unexpected = { r.Unexpected }, Missing = { r.Missing }, Quantity = r.Quantity, MissingQuantity = r.MissingQuantity,
            }),
        },
        History =
        {
            t.History.Select(h => new Logistics.Inventory.V1.TransferStep
            {
                From = h.From.ToString(), To = h.To.ToString(), By = h.By, At = Timestamp.FromDateTimeOffset(h.At), Note = h.Note,
            }),
        },
    };
}
