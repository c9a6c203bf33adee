using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Admin.V1;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.SharedKernel;
using DeadLetterProto = Logistics.Admin.V1.DeadLetter;

namespace Logistics.Hosting.Messaging.DeadLetters;

/// <summary>
/// The service's dead letters, for admins: list, see one, replay it through the normal subscriber (the inbox makes it
/// apply once) or discard it with a reason. Replay and discard are commands (<see cref="Commands"/>: one transaction,
/// idempotency keys); a refused one changes nothing.
/// </summary>
public sealed class DeadLettersApi(DeadLetterStore store, IntegrationEventHandlers handlers, MessagingOptions messaging, Commands commands, TimeProvider clock)
    : DeadLettersService.DeadLettersServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const string PagePrefix = "d1:";

    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        CheckService(request.Service);
        DeadLetterState? state = string.IsNullOrEmpty(request.State) ? null : DeadLetter.ParseState(request.State);
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {request.PageSize})")
            : request.PageSize;
        var before = ParsePageToken(request.PageToken);
        var page = await store.PageAsync(state, before, size + 1, context.CancellationToken);
        var response = new ListDeadLettersResponse
        {
            DeadLetters = { page.Take(size).Select(ToProto) },
            Waiting = await store.CountWaitingAsync(context.CancellationToken),
        };
        if (page.Count > size) response.NextPageToken = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(PagePrefix + page[size - 1].Seq.ToString(CultureInfo.InvariantCulture)));
        return response;
    }

    public override async Task<DeadLetterProto> GetDeadLetter(GetDeadLetterRequest request, ServerCallContext context)
    {
        CheckService(request.Service);
        var id = DeadLetter.ParseId(request.DeadLetterId);
        return ToProto(await store.FindAsync(id, context.CancellationToken) ?? throw NotFound(id));
    }

    public override Task<DeadLetterProto> ReplayDeadLetter(ReplayDeadLetterRequest request, ServerCallContext context)
    {
        CheckService(request.Service);
        var id = DeadLetter.ParseId(request.DeadLetterId);
        var by = Caller.From(context).UserId;
        var http = context.GetHttpContext();
        var ct = context.CancellationToken;
        return commands.RunAsync(context, request, async tx =>
        {
            var letter = await DeadLetterStore.LockAsync(tx, id, ct) ?? throw NotFound(id);
            letter.RequireWaiting("replayed");
            var apply = handlers.Find(letter.Event.Topic)
                ?? throw new RuleViolationException($"{messaging.AppId} does not subscribe to topic '{letter.Event.Topic}': the event cannot be replayed here; discard it with a reason");
            ApplyOutcome outcome;
            try
            {
                outcome = await apply(letter.Event.EventId, letter.Event.Data, tx, http.RequestServices, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The transaction is abandoned: no effect, no decision, the letter still waits.
                throw new RuleViolationException($"the event still cannot be applied ({e.Message}); dead letter {id} stays waiting");
            }
            var replayed = letter.Replayed(by, clock.GetUtcNow(), outcome == ApplyOutcome.Applied ? ReplayOutcome.Applied : ReplayOutcome.AlreadyApplied);
            await DeadLetterStore.SaveDecisionAsync(tx, replayed, ct);
            return ToProto(replayed);
        });
    }

    public override Task<DeadLetterProto> DiscardDeadLetter(DiscardDeadLetterRequest request, ServerCallContext context)
    {
        CheckService(request.Service);
        var id = DeadLetter.ParseId(request.DeadLetterId);
        var reason = DeadLetter.CheckReason(request.Reason);
        var by = Caller.From(context).UserId;
        var ct = context.CancellationToken;
        return commands.RunAsync(context, request, async tx =>
        {
            var letter = await DeadLetterStore.LockAsync(tx, id, ct) ?? throw NotFound(id);
            var discarded = letter.Discarded(by, clock.GetUtcNow(), reason);
            await DeadLetterStore.SaveDecisionAsync(tx, discarded, ct);
            return ToProto(discarded);
        });
    }

    /// <summary>Each service answers for its own dead letters only; the gateway routes by the name.</summary>
    private void CheckService(string service)
    {
        if (string.IsNullOrEmpty(service)) throw new InvalidFieldException("service", "is required");
        if (service != messaging.AppId)
            throw new InvalidFieldException("service", $"this is {messaging.AppId}'s API; {service}'s dead letters are kept by {service} itself");
    }

    private static NotFoundException NotFound(Guid id) => new($"dead letter {id} not found");

    private static long? ParsePageToken(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(PagePrefix, StringComparison.Ordinal)
                && long.TryParse(text[PagePrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                return seq;
        }
        catch (FormatException) { }
        throw new InvalidFieldException("page_token", "is not a token from a previous page");
    }

    private DeadLetterProto ToProto(DeadLetter letter)
    {
        var e = letter.Event;
        var proto = new DeadLetterProto
        {
            DeadLetterId = letter.Id.ToString(),
            Service = messaging.AppId,
            EventId = e.EventId,
            Topic = e.Topic,
            EventType = e.Type,
            Source = e.Source,
            DataContentType = e.DataContentType,
            Data = e.Data,
            Error = letter.Error,
            Attempts = letter.Attempts,
            Arrivals = letter.Arrivals,
            ReceivedAt = Timestamp.FromDateTimeOffset(letter.ReceivedAt),
            State = DeadLetter.StateName(letter.State),
        };
        if (letter.Decision is { } d)
        {
            proto.DecidedBy = d.By;
            proto.DecidedAt = Timestamp.FromDateTimeOffset(d.At);
            proto.DiscardReason = d.DiscardReason;
            if (d.Replay is { } r) proto.ReplayOutcome = DeadLetter.OutcomeName(r);
        }
        return proto;
    }
}
