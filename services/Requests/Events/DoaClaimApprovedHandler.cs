using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;

namespace Logistics.Requests.Events;

/// <summary>
/// An approved DOA claim gets its replacement request (id from the claim, "doa-&lt;claim_id&gt;" unless the claim names
/// one), approved by the claim's approver and published as PartRequestApproved, so inventory reserves it like any
/// request. A claim that already has its replacement is ignored. The request the dead unit came with is recorded as
/// one a DOA claim concerns, which delivery managers may read.
/// </summary>
public sealed class DoaClaimApprovedHandler(PartRequestStore requests, RequestPolicy policy, TimeProvider clock)
    : IIntegrationEventHandler<DoaClaimApproved>
{
    public async Task HandleAsync(DoaClaimApproved e, InboxContext inbox, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.ClaimId)) return;
        var tx = inbox.Transaction;
        var requestId = string.IsNullOrEmpty(e.ReplacementRequestId) ? "doa-" + e.ClaimId : e.ReplacementRequestId;
        await tx.LockAsync("doa-claim:" + e.ClaimId, ct);
        // Delivery managers may read the request a claim concerns (kept even when the replacement exists already).
        if (!string.IsNullOrEmpty(e.RequestId)) await PartRequestStore.RecordDoaClaimAsync(tx, e.RequestId, e.ClaimId, ct);
        if (await requests.ExistsAsync(tx, requestId, ct) || await requests.ExistsForDoaClaimAsync(tx, e.ClaimId, ct)) return;

        // What the claim leaves out comes from the request the dead unit came with, when it is ours.
        var original = string.IsNullOrEmpty(e.RequestId) ? null : await requests.FindAsync(e.RequestId, ct);
        var replacement = PartRequest.ForDoaReplacement(
            requestId, e.ClaimId,
            Or(e.TicketId, original?.TicketId), Or(e.SiteId, original?.SiteId), Or(e.CentreId, original?.CentreId),
            Or(e.PartNumber, original?.PartNumber), Or(e.EngineerId, original?.EngineerId), e.Serial,
            e.ApprovedBy, EventTime.Of(e.ApprovedAt, clock), policy);
        await requests.InsertAsync(tx, replacement, ct);
        await RequestEvents.ApprovedAsync(tx, replacement, ct);
    }

    private static string Or(string value, string? fallback) => string.IsNullOrEmpty(value) ? fallback ?? "" : value;
}
