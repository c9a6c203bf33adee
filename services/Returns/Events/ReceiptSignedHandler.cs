using Logistics.Events.V1;
using Logistics.Hosting.Messaging;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;

namespace Logistics.Returns.Events;

/// <summary>The centre signed for a returned part (engineer-to-centre, reference = the return id): Shipped → Received.</summary>
public sealed class ReceiptSignedHandler(ReturnStore store, TimeProvider clock, ILogger<ReceiptSignedHandler> logger) : IIntegrationEventHandler<ReceiptSigned>
{
    public async Task HandleAsync(ReceiptSigned e, InboxContext inbox, CancellationToken ct)
    {
        if (e.Kind != ReceiptKinds.EngineerToCentre || string.IsNullOrWhiteSpace(e.Reference)) return;
        var r = await store.FindForUpdateAsync(inbox.Transaction, e.Reference, ct);
        if (r is null) return; // an unused part returned against a request, or another service's reference
        var receipt = new ReturnReceipt(e.ReceiptId, e.SignedBy, EventTime.Of(e.SignedAt, clock), [.. e.Serials], e.OuterIntact, e.EsdBagSealed);
        await ReturnChanges.ApplyAsync(store, inbox.Transaction, r, () => { r.Receive(receipt); return true; },
            problem => logger.LogWarning("Receipt {ReceiptId} does not receive return {ReturnId} and is ignored: {Problem}", e.ReceiptId, r.ReturnId, problem), ct);
    }
}
