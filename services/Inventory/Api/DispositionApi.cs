using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Events.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Inventory.Data;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain;
using Logistics.Inventory.Domain.Dispositions;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.Events;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;
using DispositionProto = Logistics.Inventory.V1.Disposition;
using DispositionStepProto = Logistics.Inventory.V1.DispositionStep;

namespace Logistics.Inventory.Api;

/// <summary>
/// The disposition of quarantined units: thin over <see cref="Domain.Dispositions.Disposition"/>. Every step runs in one
/// Postgres transaction (the disposition locked, its event in the outbox) and moves stock through the dispose script,
/// whose idempotency key is the disposition and the movement kind: a retry after a crash replays the script's first
/// result instead of moving the unit twice. A refused step rolls back and moves nothing.
/// </summary>
public sealed class DispositionApi(Commands commands, CatalogueCache catalogue, StockStore stock, DispositionStore dispositions, TimeProvider clock)
    : DispositionService.DispositionServiceBase
{
    public const int DefaultPageSize = 50;

    public override async Task<ListQuarantineResponse> ListQuarantine(ListQuarantineRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var centre = await RequireCentreAsync(request.CentreId, ct);
        Caller.From(context).RequireCentre(centre.CentreId);
        var quarantined = new List<(string Part, string Serial)>();
        var cursor = "";
        do
        {
            var page = await stock.ListLevelsAsync(centre.CentreId, cursor, StockStore.MaxPageSize);
            foreach (var level in page.Levels.Where(l => l.Quarantined > 0))
                quarantined.AddRange((await stock.ListSerialsAsync(centre.CentreId, level.PartNumber))
                    .Where(s => s.Place == SerialPlace.Quarantined).Select(s => (level.PartNumber, s.Serial)));
            cursor = page.NextCursor;
        } while (cursor != "");
        var (open, repairs) = await dispositions.OfSerialsAsync(centre.CentreId, quarantined.Select(q => q.Serial).Distinct().ToList(), ct);
        var response = new ListQuarantineResponse();
        foreach (var (part, serial) in quarantined)
        {
            var key = part + "\t" + serial;
            var item = new QuarantinedSerial { PartNumber = part, Serial = serial, RepairCount = repairs.GetValueOrDefault(key) };
            if (open.TryGetValue(key, out var d)) item.OpenDisposition = ToProto(d, item.RepairCount);
            response.Serials.Add(item);
        }
        return response;
    }

    public override async Task<DispositionProto> ProposeDisposition(ProposeDispositionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        var centre = await RequireCentreAsync(request.CentreId, ct);
        caller.RequireCentre(centre.CentreId);
        var partNumber = StockFields.PartNumber(request.PartNumber);
        var part = await catalogue.PartAsync(partNumber, ct) ?? throw new NotFoundException($"part {partNumber} is not in the catalogue");
        var kind = DispositionNames.ParseKind(request.Kind);
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        var id = "DSP-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]).ToUpperInvariant();
        var proposal = Domain.Dispositions.Disposition.Propose(id, centre.CentreId, part.PartNumber, request.Serial, kind,
            request.Reason, request.Supplier, request.RmaNumber, request.Repairer, caller.UserId, clock.GetUtcNow());
        return await commands.RunAsync(context, request, async tx =>
        {
            // Only a quarantined unit gets a disposition; the dispose script checks again when it leaves.
            var held = (await stock.ListSerialsAsync(centre.CentreId, part.PartNumber)).FirstOrDefault(s => s.Serial == proposal.Serial);
            if (held?.Place != SerialPlace.Quarantined)
                throw new RuleViolationException($"serial {proposal.Serial} of part {part.PartNumber} is not quarantined at centre {centre.CentreId}" +
                    (held is null ? "" : $" (it is {StockJson.PlaceName(held.Place)})"));
            await DispositionStore.InsertAsync(tx, proposal, ct);
            await InventoryEvents.PublishDispositionChangedAsync(tx, proposal, proposal.State, caller.UserId, proposal.ProposedAt, ct);
            return ToProto(proposal, await DispositionStore.RepairCountAsync(tx, proposal.PartNumber, proposal.Serial, ct));
        });
    }

    public override async Task<ListDispositionsResponse> ListDispositions(ListDispositionsRequest request, ServerCallContext context)
    {
        var centres = Caller.From(context).CentresToList(string.IsNullOrEmpty(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id"));
        var state = string.IsNullOrEmpty(request.State) ? "" : request.State == "open" ? "open"
            : System.Enum.TryParse<DispositionState>(request.State, out var s) && System.Enum.IsDefined(s) && !request.State.Any(char.IsDigit) ? s.ToString()
            : throw new InvalidFieldException("state", $"'{request.State}' is not a disposition state ({string.Join(", ", System.Enum.GetNames<DispositionState>())}, open)");
        var serial = string.IsNullOrEmpty(request.Serial) ? "" : Serials.Check(request.Serial);
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > DispositionStore.MaxPageSize
                ? throw new InvalidFieldException("page_size", $"must be between 1 and {DispositionStore.MaxPageSize}") : request.PageSize;
        var offset = string.IsNullOrEmpty(request.PageToken) ? 0
            : int.TryParse(request.PageToken, out var n) && n >= 0 && n <= 1_000_000 ? n : throw new InvalidFieldException("page_token", "is not a token this API gave");
        var rows = await dispositions.ListAsync(centres, state, serial, offset, size, context.CancellationToken);
        return new ListDispositionsResponse
        {
            Dispositions = { rows.Take(size).Select(d => ToProto(d, 0)) },
            NextPageToken = rows.Count > size ? (offset + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        };
    }

    public override async Task<DispositionProto> GetDisposition(GetDispositionRequest request, ServerCallContext context)
    {
        var d = await dispositions.ReadAsync(DispositionId(request.DispositionId), context.CancellationToken);
        Caller.From(context).RequireCentre(d.CentreId);
        var repairs = await dispositions.OfSerialsAsync(d.CentreId, [d.Serial], context.CancellationToken);
        return ToProto(d, repairs.Repairs.GetValueOrDefault(d.PartNumber + "\t" + d.Serial));
    }

    public override Task<DispositionProto> ApproveDisposition(ApproveDispositionRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.DispositionId, null, (d, by, at) => d.Approve(by, at));

    public override Task<DispositionProto> RejectDisposition(RejectDispositionRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.DispositionId, null, (d, by, at) => d.Reject(by, request.Reason, at));

    public override Task<DispositionProto> ShipDisposition(ShipDispositionRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.DispositionId, null,
            (d, by, at) => d.Ship(by, request.Carrier, request.TrackingNumber, request.EsdPackaging, at));

    public override Task<DispositionProto> CloseDisposition(CloseDispositionRequest request, ServerCallContext context)
    {
        var settlement = DispositionNames.ParseSettlement(request.Settlement);
        return StepAsync(context, request, request.DispositionId, null, (d, by, at) => d.Close(by, settlement, request.Reference, at));
    }

    public override Task<DispositionProto> ReceiveRepaired(ReceiveRepairedRequest request, ServerCallContext context) =>
        StepAsync(context, request, request.DispositionId, null, (d, by, at) => d.ReceiveRepaired(by, at));

    public override Task<DispositionProto> InspectRepaired(InspectRepairedRequest request, ServerCallContext context)
    {
        var good = request.Outcome?.Trim() switch
        {
            "repaired" => true,
            "unrepairable" => false,
            _ => throw new InvalidFieldException("outcome", $"'{request.Outcome}' is not an outcome (repaired, unrepairable)"),
        };
        if (good) StockFields.Bin(request.Bin);
        else if (!string.IsNullOrEmpty(request.Bin)) throw new InvalidFieldException("bin", "only a repaired unit is put in a bin");
        return StepAsync(context, request, request.DispositionId, good ? request.Bin : null, (d, by, at) => d.InspectRepaired(by, good, at));
    }

    /// <summary>
    /// One step: lock the disposition, check the caller's centre, let the domain decide, move the stock (if the step
    /// moves it), save, and publish; all or nothing.
    /// </summary>
    private Task<DispositionProto> StepAsync(ServerCallContext context, Google.Protobuf.IMessage request, string? dispositionId, string? bin,
        Func<Domain.Dispositions.Disposition, string, DateTimeOffset, Domain.Dispositions.Disposition> step)
    {
        var id = DispositionId(dispositionId);
        var caller = Caller.From(context);
        var ct = context.CancellationToken;
        return commands.RunAsync(context, request, async tx =>
        {
            var before = await DispositionStore.ReadForUpdateAsync(tx, id, ct);
            caller.RequireCentre(before.CentreId);
            if (bin is not null)
            {
                var centre = await RequireCentreAsync(before.CentreId, ct);
                centre.RequireBin(bin);
            }
            var at = clock.GetUtcNow();
            var after = step(before, caller.UserId, at);
            if (DispositionMoves.Of(before, after) is { } kind)
            {
                // The key is the disposition and the movement: a retried step replays the first move, never makes a second.
                var command = new StockCommand(before.CentreId, $"disposition-{before.DispositionId}-{kind.WireName()}", Guid.NewGuid(), at);
                await stock.DisposeAsync(command, before.PartNumber, before.Serial, kind, bin, before.DispositionId,
                    kind == MovementKind.WrittenOff ? "scrap" : "", DispositionMoves.Counterparty(after),
                    after.Shipment?.Carrier ?? "", after.Shipment?.TrackingNumber ?? "");
            }
            await DispositionStore.UpdateAsync(tx, after, at, ct);
            await InventoryEvents.PublishDispositionChangedAsync(tx, after, before.State, caller.UserId, at, ct);
            return ToProto(after, await DispositionStore.RepairCountAsync(tx, after.PartNumber, after.Serial, ct));
        });
    }

    private static string DispositionId(string? value) => Require.Code(value, "disposition_id", 64);

    private async Task<SparePartCentre> RequireCentreAsync(string? centreId, CancellationToken ct)
    {
        var id = Require.Code(centreId, "centre_id");
        return await catalogue.CentreAsync(id, ct) ?? throw new NotFoundException($"centre {id} does not exist");
    }

    public static DispositionProto ToProto(Domain.Dispositions.Disposition d, int repairCount) => new()
    {
        DispositionId = d.DispositionId, CentreId = d.CentreId, PartNumber = d.PartNumber, Serial = d.Serial,
        Kind = d.Kind.WireName(), State = d.State.ToString(), ProposedBy = d.ProposedBy, ProposedAt = Timestamp.FromDateTimeOffset(d.ProposedAt),
        Reason = d.Reason, Supplier = d.Supplier, RmaNumber = d.RmaNumber, Repairer = d.Repairer, DecidedBy = d.DecidedBy,
        RejectionReason = d.RejectionReason, Carrier = d.Shipment?.Carrier ?? "", TrackingNumber = d.Shipment?.TrackingNumber ?? "",
        EsdPackaging = d.Shipment?.EsdPackaging ?? false, Settlement = d.Settlement?.WireName() ?? "", SettlementReference = d.SettlementReference,
        RepairCount = repairCount,
        History =
        {
            d.History.Select(h => new DispositionStepProto
            {
                From = h.From.ToString(), To = h.To.ToString(), By = h.By, At = Timestamp.FromDateTimeOffset(h.At), Note = h.Note,
            }),
        },
    };
}
