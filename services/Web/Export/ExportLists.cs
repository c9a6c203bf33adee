using System.Globalization;
using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Custody.V1;
using Logistics.Doa.V1;
using Logistics.Inventory.V1;
using Logistics.Requests.V1;
using Logistics.Returns.V1;
using Logistics.Web.Auth;

namespace Logistics.Web.Export;

/// <summary>
/// <c>GET /export/{list}.csv?filters</c>: the console's lists as CSV, read from the services through the gateway with
/// the signed-in user's token (the service decides what the user may see, as for the page), page by page. The filters
/// are the list call's own (named as on the page's link); the columns are the API's field names, which stay the same
/// in every language.
/// </summary>
public static partial class ExportLists
{
    public const string Route = "/export/{list}.csv";

    public static readonly string[] Names = ["requests", "returns", "counts", "movements", "doa-claims", "anomalies", "stock", "custody",
        "report-doa", "report-service-levels", "report-returns", "report-stock"];

    /// <summary>The link of a list's export with these filters (empty ones left out).</summary>
    public static string Url(string list, IEnumerable<KeyValuePair<string, string?>> filters)
    {
        var query = string.Join('&', filters.Where(f => !string.IsNullOrEmpty(f.Value))
            .Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value!)));
        return $"/export/{list}.csv" + (query.Length > 0 ? "?" + query : "");
    }

    public static void MapCsvExports(this WebApplication app) =>
        app.MapGet(Route, (HttpContext http, string list, GrpcChannel channel, TimeProvider clock) =>
        {
            if (Session.From(http.User) is not { } session) return Results.Unauthorized();
            var calls = new ExportCalls(channel, session.Token, clock);
            var filters = new ExportFilters(http.Request.Query);
            try
            {
                return list switch
                {
                    "requests" => Requests(calls, filters),
                    "returns" => Returns(calls, filters),
                    "counts" => Counts(calls, filters),
                    "movements" => Movements(calls, filters),
                    "doa-claims" => DoaClaims(calls, filters),
                    "anomalies" => Anomalies(calls, filters),
                    "stock" => Stock(calls, filters),
                    "custody" => Custody(calls, filters),
                    "report-doa" => DoaReport(calls, filters),
                    "report-service-levels" => ServiceLevelReport(calls, filters),
                    "report-returns" => ReturnsReport(calls, filters),
                    "report-stock" => StockReport(calls, filters),
                    _ => Results.Text($"no list {list} to export (one of {string.Join(", ", Names)})", "text/plain; charset=utf-8", statusCode: 404),
                };
            }
            catch (ExportFilterException e) { return Results.Text(e.Message, "text/plain; charset=utf-8", statusCode: 400); }
        }).RequireAuthorization();

    // Each list: its filters (query name = what the page's link carries), its page size, its columns. A page's answer
    // stays well under 85 KB (100 requests or claims, which carry their histories; 200 of the rest): the gRPC client
    // holds each answer in one array, and a larger one would go to the large object heap, which is collected only with
    // the oldest generation, so a long export would pile them up there.

    private static IResult Requests(ExportCalls calls, ExportFilters f)
    {
        var request = new ListPartRequestsRequest
        {
            EngineerId = f.Text("engineer"), State = f.Text("state"), CentreId = f.Text("centre"), Late = f.Flag("late"), PageSize = 100,
        };
        var client = new PartRequestsService.PartRequestsServiceClient(calls.Channel);
        return CsvExports.Stream("requests", RequestColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListPartRequestsAsync(request, o); }, a => (a.Requests, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<PartRequest>[] RequestColumns =
    [
        new("request_id", r => r.RequestId), new("state", r => r.State), new("late", r => r.Late),
        new("ticket_id", r => r.TicketId), new("site_id", r => r.SiteId), new("centre_id", r => r.CentreId),
        new("part_number", r => r.PartNumber), new("quantity", r => r.Quantity), new("service_level", r => r.ServiceLevel),
        new("engineer_id", r => r.EngineerId), new("submitted_at", r => r.SubmittedAt), new("ship_by", r => r.ShipBy),
        new("deliver_by", r => r.DeliverBy), new("auto_approved", r => r.AutoApproved), new("awaiting_approval_because", r => r.AwaitingApprovalBecause),
        new("approved_by", r => r.ApprovedBy), new("rejected_by", r => r.RejectedBy), new("rejection_reason", r => r.RejectionReason),
        new("cancelled_by", r => r.CancelledBy), new("shipped_serials", r => r.Shipment?.Serials), new("carrier", r => r.Shipment?.Carrier),
        new("tracking_no", r => r.Shipment?.TrackingNo), new("shipped_at", r => r.Shipment?.ShippedAt),
        new("delivered_serials", r => r.DeliveredSerials), new("return_id", r => r.ReturnId), new("doa_claim_id", r => r.DoaClaimId),
    ];

    private static IResult Returns(ExportCalls calls, ExportFilters f)
    {
        var request = new ListReturnsRequest
        {
            EngineerId = f.Text("engineer"), State = f.Text("state"), CentreId = f.Text("centre"), Overdue = f.Flag("overdue"), PageSize = 200,
        };
        var client = new ReturnsService.ReturnsServiceClient(calls.Channel);
        return CsvExports.Stream("returns", ReturnColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListReturnsAsync(request, o); }, a => (a.Returns, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<FaultyReturn>[] ReturnColumns =
    [
        new("return_id", r => r.ReturnId), new("state", r => r.State), new("request_id", r => r.RequestId), new("doa_claim_id", r => r.DoaClaimId),
        new("engineer_id", r => r.EngineerId), new("centre_id", r => r.CentreId), new("part_number", r => r.PartNumber),
        new("serial", r => r.Serial), new("replacement_serial", r => r.ReplacementSerial), new("ticket_id", r => r.TicketId),
        new("opened_at", r => r.OpenedAt), new("due_at", r => r.DueAt), new("overdue", r => r.Overdue), new("unreturned", r => r.Unreturned),
        new("escalated", r => r.Escalated), new("carrier", r => r.Carrier), new("tracking_no", r => r.TrackingNo),
        new("shipped_at", r => r.ShippedAt), new("received_at", r => r.ReceivedAt), new("esd_non_compliant", r => r.EsdNonCompliant),
        new("inspection_result", r => r.InspectionResult), new("inspected_by", r => r.InspectedBy), new("inspected_at", r => r.InspectedAt),
    ];

    private static IResult Counts(ExportCalls calls, ExportFilters f)
    {
        var request = new ListCountsRequest { CentreId = f.Text("centre"), State = f.Text("state"), Order = f.Text("order"), PageSize = 200 };
        var client = new StockCountService.StockCountServiceClient(calls.Channel);
        return CsvExports.Stream("counts", CountColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListCountsAsync(request, o); }, a => (a.Counts, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<CountSummary>[] CountColumns =
    [
        new("count_id", c => c.CountId), new("centre_id", c => c.CentreId), new("state", c => c.State), new("bins", c => c.Bins),
        new("part_numbers", c => c.PartNumbers), new("opened_by", c => c.OpenedBy), new("opened_at", c => c.OpenedAt),
    ];

    private static IResult Movements(ExportCalls calls, ExportFilters f)
    {
        const int pageSize = 200;
        var request = new ListMovementsRequest { CentreId = f.Text("centre"), PartNumber = f.Text("part"), Kind = f.Text("kind"), NewestFirst = true, PageSize = pageSize };
        var client = new InventoryService.InventoryServiceClient(calls.Channel);
        // The ledger pages by sequence number (newest first: before the last one seen), not by a token.
        return CsvExports.Stream("movements", MovementColumns, ct => calls.Paged(
            (token, o) =>
            {
                request.Before = token.Length == 0 ? 0 : long.Parse(token, CultureInfo.InvariantCulture);
                return client.ListMovementsAsync(request, o);
            },
            a => (a.Movements, a.Movements.Count == pageSize ? a.Movements[^1].Sequence.ToString(CultureInfo.InvariantCulture) : ""), ct));
    }

    public static readonly CsvColumn<Movement>[] MovementColumns =
    [
        new("sequence", m => m.Sequence), new("occurred_at", m => m.OccurredAt), new("kind", m => m.Kind), new("centre_id", m => m.CentreId),
        new("part_number", m => m.PartNumber), new("bin", m => m.Bin), new("quantity", m => m.Quantity),
        new("on_hand_delta", m => m.Deltas?.OnHand ?? 0), new("reserved_delta", m => m.Deltas?.Reserved ?? 0),
        new("in_transit_delta", m => m.Deltas?.InTransit ?? 0), new("faulty_delta", m => m.Deltas?.Faulty ?? 0),
        new("quarantined_delta", m => m.Deltas?.Quarantined ?? 0), new("serials", m => m.Serials), new("reference", m => m.Reference),
        new("reservation_id", m => m.ReservationId), new("reason_code", m => m.ReasonCode), new("movement_id", m => m.MovementId),
    ];

    private static IResult DoaClaims(ExportCalls calls, ExportFilters f)
    {
        var request = new ListDoaClaimsRequest
        {
            State = f.Text("state"), CentreId = f.Text("centre"), PartNumber = f.Text("part"), UrgentFirst = true, PageSize = 100,
            FiledFrom = f.Instant("filed_from"), FiledBefore = f.Instant("filed_before"),
        };
        var client = new DoaClaimsService.DoaClaimsServiceClient(calls.Channel);
        return CsvExports.Stream("doa-claims", DoaClaimColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListDoaClaimsAsync(request, o); }, a => (a.Claims, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<DoaClaim>[] DoaClaimColumns =
    [
        new("claim_id", c => c.ClaimId), new("state", c => c.State), new("request_id", c => c.RequestId), new("serial", c => c.Serial),
        new("part_number", c => c.PartNumber), new("centre_id", c => c.CentreId), new("site_id", c => c.SiteId), new("ticket_id", c => c.TicketId),
        new("engineer_id", c => c.EngineerId), new("cause", c => c.Cause), new("detected_at", c => c.DetectedAt), new("detected_on", c => c.DetectedOn),
        new("symptom", c => c.Symptom), new("delivered_at", c => c.DeliveredAt), new("filed_by", c => c.FiledBy), new("filed_at", c => c.FiledAt),
        new("decided_by", c => c.DecidedBy), new("decided_at", c => c.DecidedAt), new("rejection_reason", c => c.RejectionReason),
        new("replacement_request_id", c => c.ReplacementRequestId), new("replacement_serial", c => c.ReplacementSerial),
        new("return_id", c => c.ReturnId), new("inspection_result", c => c.InspectionResult), new("inspected_at", c => c.InspectedAt),
        new("evidence_files", c => c.Evidence.Count),
    ];

    private static IResult Anomalies(ExportCalls calls, ExportFilters f)
    {
        var request = new ListAnomaliesRequest { Kind = f.Text("kind"), State = f.Text("state"), Serial = f.Text("serial"), PageSize = 200 };
        var client = new CustodyService.CustodyServiceClient(calls.Channel);
        return CsvExports.Stream("anomalies", AnomalyColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListAnomaliesAsync(request, o); }, a => (a.Anomalies, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<Anomaly>[] AnomalyColumns =
    [
        new("anomaly_id", a => a.AnomalyId), new("detected_at", a => a.DetectedAt), new("kind", a => a.Kind), new("serial", a => a.Serial),
        new("detail", a => a.Detail), new("reference", a => a.Reference), new("state", a => a.Resolution is null ? "open" : "resolved"),
        new("resolved_by", a => a.Resolution?.ResolvedBy), new("resolved_at", a => a.Resolution?.ResolvedAt),
        new("resolution_note", a => a.Resolution?.Note), new("event_id", a => a.EventId),
    ];

    private static IResult Stock(ExportCalls calls, ExportFilters f)
    {
        var request = new ListStockRequest { CentreId = f.Text("centre"), PageSize = 200 };
        var client = new InventoryService.InventoryServiceClient(calls.Channel);
        return CsvExports.Stream("stock", StockColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.ListStockAsync(request, o); }, a => (a.Levels, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<StockLevel>[] StockColumns =
    [
        new("centre_id", s => s.CentreId), new("part_number", s => s.PartNumber), new("on_hand", s => s.OnHand), new("reserved", s => s.Reserved),
        new("available", s => s.Available), new("in_transit", s => s.InTransit), new("faulty", s => s.Faulty), new("quarantined", s => s.Quarantined),
    ];

    private static IResult Custody(ExportCalls calls, ExportFilters f)
    {
        var request = new GetCustodyHistoryRequest { Serial = f.Text("serial"), PageSize = 200 };
        var client = new CustodyService.CustodyServiceClient(calls.Channel);
        return CsvExports.Stream("custody-" + FileSafe(request.Serial), CustodyColumns, ct => calls.Paged(
            (token, o) => { request.PageToken = token; return client.GetCustodyHistoryAsync(request, o); }, a => (a.Events, a.NextPageToken), ct));
    }

    public static readonly CsvColumn<CustodyEvent>[] CustodyColumns =
    [
        new("serial", e => e.Serial), new("sequence", e => e.Sequence), new("occurred_at", e => e.OccurredAt), new("business_step", e => e.BusinessStep),
        new("from_party", e => e.FromParty), new("from_location", e => e.FromLocation), new("to_party", e => e.ToParty),
        new("to_location", e => e.ToLocation), new("disposition", e => e.Disposition), new("packaging", e => e.Packaging),
        new("reference", e => e.Reference), new("corrects", e => e.Corrects), new("corrected_by", e => e.CorrectedBy),
        new("part_number", e => e.PartNumber), new("event_id", e => e.EventId), new("source_event_id", e => e.SourceEventId),
    ];

    // A serial in a file name: letters, digits, '-', '_' and '.' kept, anything else '_'.
    private static string FileSafe(string text) =>
        new(text.Take(60).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}

/// <summary>A filter the console itself cannot read (a flag that is not true/false, a time that is not ISO 8601).</summary>
public sealed class ExportFilterException(string message) : Exception(message);

/// <summary>The filters of an export link, read from its query string.</summary>
public sealed class ExportFilters(IQueryCollection query)
{
    public string Text(string name) => (query[name].FirstOrDefault() ?? "").Trim();

    public bool Flag(string name) => Text(name) switch
    {
        "" or "false" => false,
        "true" => true,
        _ => throw new ExportFilterException($"{name}: must be true or false"),
    };

    /// <summary>An instant with its offset (ISO 8601, e.g. 2026-12-01T00:00:00+08:00), or null when left out.</summary>
    public Timestamp? Instant(string name)
    {
        var text = Text(name);
        if (text.Length == 0) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Timestamp.FromDateTimeOffset(at)
            : throw new ExportFilterException($"{name}: must be a time in ISO 8601 with its offset, e.g. 2026-12-01T00:00:00+08:00");
    }

    /// <summary>A day (yyyy-MM-dd), or null when left out.</summary>
    public DateOnly? Day(string name)
    {
        var text = Text(name);
        if (text.Length == 0) return null;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new ExportFilterException($"{name}: must be a day as yyyy-MM-dd, e.g. 2026-12-01");
    }
}

/// <summary>The list calls of one export, with the user's token; a call the gateway's rate limit refuses waits and is sent again.</summary>
public sealed class ExportCalls(GrpcChannel channel, string token, TimeProvider clock)
{
    public GrpcChannel Channel => channel;

    public async IAsyncEnumerable<IReadOnlyList<TRow>> Paged<TRow, TAnswer>(Func<string, CallOptions, AsyncUnaryCall<TAnswer>> call,
        Func<TAnswer, (IReadOnlyList<TRow> Rows, string Next)> read, [EnumeratorCancellation] CancellationToken ct)
    {
        var next = "";
        do
        {
            var (rows, following) = read(await CallAsync(o => call(next, o), ct));
            yield return rows;
            next = following;
        } while (next.Length > 0);
    }

    /// <summary>One call (a dashboard's report) read as a single page of rows.</summary>
    public async IAsyncEnumerable<IReadOnlyList<TRow>> Once<TRow, TAnswer>(Func<CallOptions, AsyncUnaryCall<TAnswer>> call,
        Func<TAnswer, IReadOnlyList<TRow>> read, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return read(await CallAsync(call, ct));
    }

    private async Task<TAnswer> CallAsync<TAnswer>(Func<CallOptions, AsyncUnaryCall<TAnswer>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var options = new CallOptions(new Metadata { { "authorization", "Bearer " + token } }, clock.GetUtcNow().UtcDateTime.AddSeconds(30), ct);
            try { return await call(options); }
            catch (RpcException e) when (!ct.IsCancellationRequested && WorthAnotherTry(e.StatusCode, attempt))
            {
                await Task.Delay(TimeSpan.FromSeconds(e.StatusCode == StatusCode.ResourceExhausted ? 1 : attempt), ct);
            }
        }
    }

    /// <summary>
    /// A long export is many reads in a row, and a read can be repeated: past the per-user burst it waits for the bucket
    /// to refill; a service that did not answer in time or was briefly unreachable is asked again, so one blip does not
    /// cut a download of a hundred thousand rows short.
    /// </summary>
    private static bool WorthAnotherTry(StatusCode status, int attempt) => status switch
    {
        StatusCode.ResourceExhausted => attempt < 10,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => attempt < 4,
        _ => false,
    };
}
