using Google.Api;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Logistics.Doa.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.SharedKernel;
using DoaClaimProto = Logistics.Doa.V1.DoaClaim;
using DoaReport = Logistics.Doa.V1.DoaReport;
using EvidenceFile = Logistics.Doa.Domain.EvidenceFile;
using EvidenceFileProto = Logistics.Doa.V1.EvidenceFile;

namespace Logistics.Doa.Api;

/// <summary>
/// DOA claims: thin over the domain's <see cref="Domain.DoaClaim"/> and the <see cref="ClaimStore"/>. Every change runs in
/// <see cref="Commands.RunAsync"/> (one transaction, idempotency key honoured), its events in the same transaction.
/// </summary>
public sealed class DoaClaimsApi(
    Commands commands, ClaimStore claims, EvidenceStore evidence, ReportFactsTable reportFacts, DoaPolicy policy, TimeProvider clock)
    : DoaClaimsService.DoaClaimsServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>The largest chunk of an evidence upload (well under the 1 MiB message limit).</summary>
    public const int MaxChunkBytes = 256 * 1024;

    /// <summary>A delivery manager files for any delivered unit; an engineer only for a unit delivered to them.</summary>
    public override Task<DoaClaimProto> FileDoaClaim(FileDoaClaimRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var filing = new DoaFiling(
            request.RequestId, request.Serial, request.DetectedAt, request.DetectedOn?.ToDateTimeOffset(), request.FirstPowerOnAt?.ToDateTimeOffset(),
            request.Symptom, [.. request.EvidenceRefs], request.HasOuterPackagingIntact ? request.OuterPackagingIntact : null,
            request.SiteAcceptedAt?.ToDateTimeOffset());
        var filer = new Filer(caller.UserId, caller.IsIn(Roles.DeliveryManager));
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        // With an idempotency key the id comes from it, so a retry names the same claim (Commands answers it again).
        var claimId = "DOA-" + (key is null ? Guid.NewGuid().ToString("N")[..16] : Fingerprint.Hex(caller.UserId, key)[..16]);
        return commands.RunAsync(context, request, async tx =>
        {
            var claim = await claims.FileAsync(tx, claimId, filing, filer, policy, clock.GetUtcNow(), context.CancellationToken);
            await DoaEvents.PublishAsync(tx, claim, claim.History, context.CancellationToken);
            return ToProto(claim);
        });
    }

    /// <summary>
    /// Delivery managers read every claim; supervisors the claims on deliveries from their centres; an engineer the claims
    /// they filed or whose unit was delivered to them.
    /// </summary>
    public override async Task<DoaClaimProto> GetDoaClaim(GetDoaClaimRequest request, ServerCallContext context) =>
        ToProto(await ReadableClaimAsync(request.ClaimId, context));

    /// <summary>
    /// Evidence arrives in chunks of at most 256 KiB (<see cref="UploadEvidenceChunk"/>): one gRPC message, and the gateway's
    /// request body, stop at 1 MiB; the gateway lets this one method carry a whole file. The file is held in memory (10 MiB
    /// at most, refused as soon as it is larger), its type read from its first bytes, and then stored with the claim in one
    /// transaction. An idempotency key names the evidence id, so a retry answers the first upload.
    /// </summary>
    public override async Task<EvidenceFileProto> UploadEvidence(IAsyncStreamReader<UploadEvidenceChunk> requestStream, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var ct = context.CancellationToken;
        string? claimId = null, fileName = null;
        using var content = new MemoryStream();
        await foreach (var chunk in requestStream.ReadAllAsync(ct))
        {
            if (claimId is null)
            {
                claimId = Require.Code(chunk.ClaimId, "claim_id", 64);
                fileName = EvidenceContent.CheckName(chunk.FileName);
            }
            else if ((chunk.ClaimId.Length > 0 && chunk.ClaimId != claimId) || (chunk.FileName.Length > 0 && chunk.FileName != fileName))
                throw new InvalidFieldException("claim_id", "every chunk of one upload names the same claim and file (or leaves them empty)");
            if (chunk.Data.Length > MaxChunkBytes) throw new InvalidFieldException("data", $"a chunk holds at most {MaxChunkBytes / 1024} KiB");
            if (content.Length + chunk.Data.Length > policy.MaxEvidenceFileBytes) throw EvidenceContent.TooLarge(fileName!, policy);
            chunk.Data.WriteTo(content);
        }
        if (claimId is null) throw new InvalidFieldException("claim_id", "is required (the upload sent no chunk)");
        var bytes = content.GetBuffer().AsMemory(0, (int)content.Length);
        var key = context.RequestHeaders.GetValue(Commands.IdempotencyKeyHeader);
        var evidenceId = "EV-" + (key is null ? Guid.NewGuid().ToString("N")[..12] : Fingerprint.Hex(caller.UserId, key)[..12]);
        var file = EvidenceContent.Describe(evidenceId, fileName, bytes.Span, caller.UserId, clock.GetUtcNow(), policy); // refused before any write
        // What identifies the upload for the idempotency key: claim, name and the content's hash (not 10 MiB of bytes).
        var identity = new UploadEvidenceChunk { ClaimId = claimId, FileName = file.FileName, Data = ByteString.CopyFromUtf8(file.Sha256) };
        var uploader = new Filer(caller.UserId, caller.IsIn(Roles.DeliveryManager));
        return await commands.RunAsync(context, identity, async tx =>
            ToProto(await claims.AddEvidenceAsync(tx, claimId, file, bytes, uploader, policy, ct)));
    }

    /// <summary>A file's content with its content type, for whoever may read the claim.</summary>
    public override async Task<HttpBody> GetEvidenceFile(GetEvidenceFileRequest request, ServerCallContext context)
    {
        var evidenceId = Require.Code(request.EvidenceId, "evidence_id", 64);
        var claim = await ReadableClaimAsync(request.ClaimId, context);
        var file = claim.Evidence.FirstOrDefault(e => e.EvidenceId == evidenceId)
            ?? throw new NotFoundException($"claim {claim.ClaimId} has no evidence {evidenceId}");
        var content = await evidence.ReadAsync(claim.ClaimId, evidenceId, context.CancellationToken)
            ?? throw new NotFoundException($"claim {claim.ClaimId} has no evidence {evidenceId}");
        return new HttpBody { ContentType = file.ContentType, Data = ByteString.CopyFrom(content) };
    }

    public override async Task<ListDoaClaimsResponse> ListDoaClaims(ListDoaClaimsRequest request, ServerCallContext context)
    {
        DoaClaimState? state = string.IsNullOrWhiteSpace(request.State) ? null : DoaCodes.ParseState(request.State);
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize}")
            : request.PageSize;
        var caller = Caller.From(context);
        var centre = string.IsNullOrWhiteSpace(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id", 64);
        // A supervisor (without the delivery-manager role) lists the claims of their centres; an engineer their own.
        var centres = caller.IsIn(Roles.Supervisor) && !caller.IsIn(Roles.DeliveryManager) ? caller.CentresToList(centre)
            : centre is null ? null : [centre];
        var onlyFor = ReadsOnlyOwn(caller) ? caller.UserId : null;
        var from = request.FiledFrom?.ToDateTimeOffset();
        var before = request.FiledBefore?.ToDateTimeOffset();
        if (from is { } f && before is { } b && b <= f) throw new InvalidFieldException("filed_before", "must be after filed_from");
        var filter = new ClaimFilter(
            string.IsNullOrWhiteSpace(request.PartNumber) ? null : Require.Code(request.PartNumber, "part_number", 64), from, before, request.UrgentFirst);
        var page = await claims.ListAsync(state, onlyFor, request.PageToken, size, context.CancellationToken, centres, filter);
        return new ListDoaClaimsResponse { Claims = { page.Claims.Select(ToProto) }, NextPageToken = page.NextPageToken };
    }

    /// <summary>What a claim may be filed for on a request: a delivery manager sees every unit, an engineer the units delivered to them.</summary>
    public override async Task<ListClaimableUnitsResponse> ListClaimableUnits(ListClaimableUnitsRequest request, ServerCallContext context)
    {
        var requestId = Require.Code(request.RequestId, "request_id", 64);
        var caller = Caller.From(context);
        var units = await claims.ClaimableUnitsAsync(requestId, caller.IsIn(Roles.DeliveryManager) ? null : caller.UserId, context.CancellationToken);
        return new ListClaimableUnitsResponse
        {
            Units =
            {
                units.Select(u => new ClaimableUnit
                {
                    Serial = u.Serial, PartNumber = u.PartNumber, CentreId = u.CentreId, SiteId = u.SiteId, EngineerId = u.EngineerId,
                    DeliveredAt = Timestamp.FromDateTimeOffset(u.DeliveredAt), UnboxingWindowEndsAt = Timestamp.FromDateTimeOffset(u.DeliveredAt + policy.Window),
                }),
            },
        };
    }

    /// <summary>
    /// The DOA report over deliveries in a range: delivery managers for every centre (or one), a supervisor for their
    /// centres (or one of them). One query; the rows are flat (one CSV row each).
    /// </summary>
    public override async Task<DoaReport> GetDoaReport(GetDoaReportRequest request, ServerCallContext context)
    {
        var range = DoaReportRange.Define(request.From?.ToDateTimeOffset(), request.To?.ToDateTimeOffset(), clock.GetUtcNow());
        var caller = Caller.From(context);
        var centre = string.IsNullOrWhiteSpace(request.CentreId) ? null : Require.Code(request.CentreId, "centre_id", 64);
        var centres = caller.IsIn(Roles.Supervisor) && !caller.IsIn(Roles.DeliveryManager) ? caller.CentresToList(centre)
            : centre is null ? null : [centre];
        var report = Domain.DoaReport.Build(range, await reportFacts.FactsAsync(range, centres, context.CancellationToken));
        return new DoaReport
        {
            From = Timestamp.FromDateTimeOffset(range.From), To = Timestamp.FromDateTimeOffset(range.To), CentreId = centre ?? "",
            Deliveries = report.Deliveries, Claims = report.Claims, RatePer100 = report.RatePer100,
            Weeks = { report.Weeks.Select(ToProto) }, ByPart = { report.ByPart.Select(ToProto) }, ByCentre = { report.ByCentre.Select(ToProto) },
            BySupplier = { report.BySupplier.Select(ToProto) }, ByBatch = { report.ByBatch.Select(ToProto) },
            Causes = { report.Causes.Select(c => new DoaCauseRow { Cause = c.Cause, Claims = c.Claims }) },
        };
    }

    private static DoaRateRow ToProto(DoaRate r) => new()
    {
        Key = r.Key, Deliveries = r.Deliveries, Claims = r.Claims, RatePer100 = r.RatePer100, WeekStart = r.WeekStart, PartNumber = r.PartNumber,
    };

    /// <summary>A delivery manager other than the filer approves (invariant 7); publishes DoaClaimApproved.</summary>
    public override Task<DoaClaimProto> ApproveDoaClaim(ApproveDoaClaimRequest request, ServerCallContext context)
    {
        var claimId = Require.Code(request.ClaimId, "claim_id", 64);
        var caller = Caller.From(context);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var claim = await claims.FindForUpdateAsync(tx, claimId, ct) ?? throw new NotFoundException($"claim {claimId} does not exist");
            var transitions = claim.Approve(caller.UserId, clock.GetUtcNow());
            await claims.SaveAsync(tx, claim, ct);
            await DoaEvents.PublishAsync(tx, claim, transitions, ct);
            return ToProto(claim);
        });
    }

    /// <summary>A delivery manager other than the filer rejects, with a reason.</summary>
    public override Task<DoaClaimProto> RejectDoaClaim(RejectDoaClaimRequest request, ServerCallContext context)
    {
        var claimId = Require.Code(request.ClaimId, "claim_id", 64);
        var caller = Caller.From(context);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var claim = await claims.FindForUpdateAsync(tx, claimId, ct) ?? throw new NotFoundException($"claim {claimId} does not exist");
            var transitions = claim.Reject(caller.UserId, request.Reason, clock.GetUtcNow(), policy);
            await claims.SaveAsync(tx, claim, ct);
            await DoaEvents.PublishAsync(tx, claim, transitions, ct);
            return ToProto(claim);
        });
    }

    /// <summary>The warehouse inspects the returned dead unit; the claim closes.</summary>
    public override Task<DoaClaimProto> InspectDeadUnit(InspectDeadUnitRequest request, ServerCallContext context)
    {
        var claimId = Require.Code(request.ClaimId, "claim_id", 64);
        var caller = Caller.From(context);
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var claim = await claims.FindForUpdateAsync(tx, claimId, ct) ?? throw new NotFoundException($"claim {claimId} does not exist");
            caller.RequireCentre(claim.CentreId); // the dead unit comes back to the centre that shipped it
            var transitions = claim.Inspect(request.Result, request.Note, caller.UserId, clock.GetUtcNow(), policy);
            await claims.SaveAsync(tx, claim, ct);
            await DoaEvents.PublishAsync(tx, claim, transitions, ct);
            return ToProto(claim);
        });
    }

    /// <summary>
    /// Delivery managers read every claim; supervisors the claims on deliveries from their centres; an engineer the claims
    /// they filed or whose unit was delivered to them.
    /// </summary>
    private async Task<Domain.DoaClaim> ReadableClaimAsync(string? id, ServerCallContext context)
    {
        var claimId = Require.Code(id, "claim_id", 64);
        var claim = await claims.FindAsync(claimId, context.CancellationToken) ?? throw new NotFoundException($"claim {claimId} does not exist");
        var caller = Caller.From(context);
        if (caller.IsIn(Roles.DeliveryManager) || (caller.IsIn(Roles.Supervisor) && caller.CanActFor(claim.CentreId)))
            return claim;
        if (caller.IsIn(Roles.Engineer) && (claim.FiledBy == caller.UserId || claim.EngineerId == caller.UserId))
            return claim;
        throw new NotAllowedException(caller.IsIn(Roles.Supervisor)
            ? caller.CentreRefusal(claim.CentreId) + $" (claim {claimId})"
            : $"claim {claimId} is neither filed by {caller.UserId} nor for a unit delivered to them");
    }

    /// <summary>An engineer without a reader role sees only their own claims.</summary>
    private static bool ReadsOnlyOwn(Caller caller) => !caller.IsIn(Roles.DeliveryManager) && !caller.IsIn(Roles.Supervisor);

    private DoaClaimProto ToProto(Domain.DoaClaim c)
    {
        var proto = new DoaClaimProto
        {
            ClaimId = c.ClaimId, RequestId = c.RequestId, Serial = c.Serial, PartNumber = c.PartNumber, CentreId = c.CentreId, SiteId = c.SiteId,
            TicketId = c.TicketId, EngineerId = c.EngineerId, DetectedAt = c.DetectedAt.Code(), DetectedOn = Timestamp.FromDateTimeOffset(c.DetectedOn),
            Symptom = c.Symptom, EvidenceRefs = { c.EvidenceRefs }, Cause = c.Cause.Code(), State = c.State.ToString(), FiledBy = c.FiledBy,
            FiledAt = Timestamp.FromDateTimeOffset(c.FiledAt), DecidedBy = c.DecidedBy ?? "", RejectionReason = c.RejectionReason ?? "",
            ReplacementRequestId = c.ReplacementRequestId ?? "", ReplacementSerial = c.ReplacementSerial ?? "", ReturnId = c.DeadUnitReturn?.ReturnId ?? "",
            InspectionResult = c.Inspection?.Result.Code() ?? "", InspectedBy = c.Inspection?.By ?? "", DeliveredAt = Timestamp.FromDateTimeOffset(c.DeliveredAt),
        };
        if (c.FirstPowerOnAt is { } firstPowerOn) proto.FirstPowerOnAt = Timestamp.FromDateTimeOffset(firstPowerOn);
        if (c.DecidedAt is { } decided) proto.DecidedAt = Timestamp.FromDateTimeOffset(decided);
        if (c.Inspection is { } inspection) proto.InspectedAt = Timestamp.FromDateTimeOffset(inspection.At);
        proto.Evidence.AddRange(c.Evidence.Select(ToProto));
        if (c.SiteAcceptedAt is { } accepted) proto.SiteAcceptedAt = Timestamp.FromDateTimeOffset(accepted);
        // The rule as it applies today (the window is a setting): from the delivery for unboxing, else from first power-on.
        var windowStart = c.DetectedAt == DetectionPoint.Unboxing ? c.DeliveredAt : c.FirstPowerOnAt ?? c.DeliveredAt;
        proto.WindowEndsAt = Timestamp.FromDateTimeOffset(windowStart + policy.Window);
        proto.WindowHours = (int)policy.Window.TotalHours;
        proto.History.AddRange(c.History.Select(t => new DoaClaimStep
        {
            Step = t.Step, State = t.To.ToString(), By = t.By, At = Timestamp.FromDateTimeOffset(t.At), Note = t.Note,
        }));
        return proto;
    }

    private static EvidenceFileProto ToProto(EvidenceFile e) => new()
    {
        EvidenceId = e.EvidenceId, FileName = e.FileName, ContentType = e.ContentType, SizeBytes = e.SizeBytes, Sha256 = e.Sha256,
        UploadedBy = e.UploadedBy, UploadedAt = Timestamp.FromDateTimeOffset(e.UploadedAt),
    };
}
