using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Logistics.Custody.Events;
using Logistics.Custody.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.SharedKernel;
using CustodyEventProto = Logistics.Custody.V1.CustodyEvent;
using AnomalyResolution = Logistics.Custody.V1.AnomalyResolution;
using Resolution = Logistics.Custody.Domain.AnomalyResolution;

namespace Logistics.Custody.Api;

/// <summary>
/// The chain of custody is written by events only (no method writes it; a correction is an event whose <c>corrects</c>
/// names the wrong one). History and current custody are for anyone signed in; anomalies for auditors and supervisors;
/// the one command, resolving an anomaly, for supervisors (a record beside the anomaly, through <see cref="Commands"/>).
/// </summary>
public sealed class CustodyApi(CustodyLedger ledger, AnomaliesTable anomalies, Commands commands, TimeProvider clock) : CustodyService.CustodyServiceBase
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public override async Task<CustodyHistory> GetCustodyHistory(GetCustodyHistoryRequest request, ServerCallContext context)
    {
        var serial = Serials.Check(request.Serial);
        var size = PageSize(request.PageSize);
        var after = PageTokens.ParseHistory(request.PageToken);
        var page = await ledger.HistoryPageAsync(serial, after, size + 1, context.CancellationToken);
        var history = new CustodyHistory { Serial = serial, Events = { page.Take(size).Select(ToProto) } };
        if (page.Count > size) history.NextPageToken = PageTokens.History(page[size - 1].Event.OccurredAt, page[size - 1].Event.Sequence);
        return history;
    }

    public override async Task<SerialCustody> GetSerial(GetSerialRequest request, ServerCallContext context)
    {
        var serial = Serials.Check(request.Serial);
        var view = await ledger.FindSerialAsync(serial, context.CancellationToken)
            ?? throw new NotFoundException($"serial {serial} has no chain of custody");
        var s = view.Row.State;
        return new SerialCustody
        {
            Serial = s.Serial,
            PartNumber = s.PartNumber,
            Holder = s.Holder,
            Location = s.Location,
            Disposition = s.Disposition.WireName(),
            ReplacedBy = view.ReplacedBy,
            Replaced = view.Replaced,
            LastEventAt = Timestamp.FromDateTimeOffset(view.Row.LastEventAt),
            Events = view.Row.Events,
        };
    }

    public override async Task<ListAnomaliesResponse> ListAnomalies(ListAnomaliesRequest request, ServerCallContext context)
    {
        AnomalyKind? kind = string.IsNullOrEmpty(request.Kind) ? null : AnomalyKinds.Parse(request.Kind);
        var serial = string.IsNullOrEmpty(request.Serial) ? "" : Serials.Check(request.Serial);
        var size = PageSize(request.PageSize);
        var before = PageTokens.ParseAnomalies(request.PageToken);
        var state = request.State switch
        {
            "" => AnomalyState.Any,
            "open" => AnomalyState.Open,
            "resolved" => AnomalyState.Resolved,
            _ => throw new InvalidFieldException("state", "must be open or resolved (or left out for both)"),
        };
        var page = await anomalies.PageAsync(kind, serial, before, size + 1, context.CancellationToken, state);
        var response = new ListAnomaliesResponse { Anomalies = { page.Take(size).Select(ToProto) } };
        if (page.Count > size) response.NextPageToken = PageTokens.Anomalies(page[size - 1].Seq);
        return response;
    }

    public override Task<Anomaly> ResolveAnomaly(ResolveAnomalyRequest request, ServerCallContext context)
    {
        var resolution = Resolution.Create(request.AnomalyId, request.Note, Caller.From(context).UserId, clock.GetUtcNow());
        return commands.RunAsync(context, request, async tx => ToProto(await CustodyEvents.AnomalyResolvedAsync(tx, resolution, context.CancellationToken)));
    }

    private static int PageSize(int requested) =>
        requested == 0 ? DefaultPageSize
        : requested < 0 || requested > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {requested})")
        : requested;

    private static CustodyEventProto ToProto(StoredEvent stored)
    {
        var e = stored.Event;
        return new CustodyEventProto
        {
            EventId = e.EventId,
            Serial = e.Serial,
            PartNumber = e.PartNumber,
            OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
            BusinessStep = e.Step.WireName(),
            FromParty = e.FromParty,
            FromLocation = e.FromLocation,
            ToParty = e.ToParty,
            ToLocation = e.ToLocation,
            Disposition = e.Disposition.WireName(),
            Packaging = e.Packaging,
            Reference = e.Reference,
            Corrects = e.Corrects,
            CorrectedBy = stored.CorrectedBy,
            SourceEventId = e.SourceEventId,
            Sequence = e.Sequence,
        };
    }

    private static Anomaly ToProto(StoredAnomaly a) => new()
    {
        AnomalyId = a.AnomalyId,
        Kind = a.Kind,
        Serial = a.Serial,
        Detail = a.Detail,
        Reference = a.Reference,
        DetectedAt = Timestamp.FromDateTimeOffset(a.DetectedAt),
        EventId = a.EventId,
        Resolution = a.Resolution is { } r
            ? new AnomalyResolution { ResolvedBy = r.ResolvedBy, Note = r.Note, ResolvedAt = Timestamp.FromDateTimeOffset(r.ResolvedAt) }
            : null,
    };
}
