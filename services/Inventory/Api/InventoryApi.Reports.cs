using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Inventory.V1;

namespace Logistics.Inventory.Api;

public sealed partial class InventoryApi
{
    /// <summary>
    /// Delivery managers read every centre; a supervisor their centres (centre_id narrows to one of them, and must be a
    /// centre inventory defined). Each centre is one read-only script in Redis.
    /// </summary>
    public override async Task<StockReport> GetStockReport(StockReportRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = Caller.From(context);
        string? centreId = null;
        if (!string.IsNullOrEmpty(request.CentreId)) centreId = (await RequireCentreAsync(request.CentreId, ct)).CentreId;
        var visible = caller.CentresToList(centreId, Roles.DeliveryManager);
        var ids = visible?.Order(StringComparer.Ordinal).ToList() ?? [.. await centres.AllIdsAsync(ct)];
        var now = clock.GetUtcNow();
        var rows = await Task.WhenAll(ids.Select(id => stockReport.RunAsync(id, now)));
        return new StockReport
        {
            ComputedAt = Timestamp.FromDateTimeOffset(now),
            Rows =
            {
                rows.Select(r => new StockReportRow
                {
                    CentreId = r.CentreId, OnHand = r.OnHand, Reserved = r.Reserved, Available = r.Available, InTransit = r.InTransit,
                    Faulty = r.Faulty, Quarantined = r.Quarantined, BackordersUnder1D = r.BackordersUnder1Day,
                    Backorders1DTo3D = r.Backorders1To3Days, Backorders3DTo7D = r.Backorders3To7Days,
                    Backorders7DOrMore = r.Backorders7DaysOrMore, BackorderedUnits = r.BackorderedUnits,
                }),
            },
        };
    }
}
