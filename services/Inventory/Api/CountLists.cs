using Google.Protobuf.WellKnownTypes;
using Logistics.Hosting.Auth;
using Logistics.Inventory.Data;
using Logistics.Inventory.Domain.Counts;
using Logistics.Inventory.Domain.Stock;
using Logistics.Inventory.V1;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Api;

/// <summary>
/// ListCounts: every field checked first (the field named when refused), then the caller's centres, then one page read
/// from the counts' header rows. Kept apart from the gRPC class so it can be called with a caller directly.
/// </summary>
public sealed class CountLists(CountStore counts, CentresTable centres)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<ListCountsResponse> ListAsync(ListCountsRequest request, Caller caller, CancellationToken ct)
    {
        var centreId = string.IsNullOrEmpty(request.CentreId) ? null : StockFields.CentreId(request.CentreId);
        var (state, openOnly) = State(request.State);
        var urgent = request.Order switch
        {
            "" or "newest" => false,
            "urgent" => true,
            _ => throw new InvalidFieldException("order", $"'{request.Order}' is not an order; use newest or urgent"),
        };
        var size = request.PageSize == 0 ? DefaultPageSize
            : request.PageSize < 0 || request.PageSize > MaxPageSize
                ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {request.PageSize})")
                : request.PageSize;
        _ = CountPageToken.Read(request.PageToken, urgent); // refused before anything is read
        if (centreId is not null)
            _ = await centres.FindAsync(centreId, ct) ?? throw new NotFoundException($"centre {centreId} does not exist");
        var listed = caller.CentresToList(centreId);

        var page = await counts.ListAsync(new CountListFilter(listed, state, openOnly, urgent), size, request.PageToken, ct);
        return new ListCountsResponse
        {
            Counts =
            {
                page.Counts.Select(c => new CountSummary
                {
                    CountId = c.CountId, CentreId = c.CentreId, Bins = { c.Bins }, PartNumbers = { c.PartNumbers }, State = c.State.ToString(),
                    OpenedBy = c.OpenedBy, OpenedAt = Timestamp.FromDateTimeOffset(c.OpenedAt),
                }),
            },
            NextPageToken = page.NextPageToken,
        };
    }

    private static (CountState? State, bool OpenOnly) State(string text)
    {
        if (string.IsNullOrEmpty(text)) return (null, false);
        if (text == "open") return (null, true);
        // Counted is passed through on close and never rests: no count is ever listed in it.
        var listable = System.Enum.GetValues<CountState>().Where(s => s != CountState.Counted).ToList();
        return listable.Where(s => s.ToString() == text).Select(s => (CountState?)s).FirstOrDefault() is { } found
            ? (found, false)
            : throw new InvalidFieldException("state", $"'{text}' is not a count state; use open or one of {string.Join(", ", listable)}");
    }
}
