using Logistics.Doa.Data;
using Logistics.Doa.Domain;
using Logistics.Doa.Events;
using Npgsql;

namespace Logistics.Doa.Tests;

/// <summary>What the API and the event handlers do with a claim: store it, then publish its transitions in the same transaction.</summary>
internal static class ClaimWrites
{
    public static async Task<DoaClaim> FileAndPublishAsync(
        this ClaimStore store, NpgsqlTransaction tx, string claimId, DoaFiling filing, Filer filer, DoaPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var claim = await store.FileAsync(tx, claimId, filing, filer, policy, now, ct);
        await DoaEvents.PublishAsync(tx, claim, claim.History, ct);
        return claim;
    }

    public static async Task SaveAndPublishAsync(this ClaimStore store, NpgsqlTransaction tx, DoaClaim claim, IReadOnlyList<DoaTransition> transitions, CancellationToken ct)
    {
        await store.SaveAsync(tx, claim, ct);
        await DoaEvents.PublishAsync(tx, claim, transitions, ct);
    }
}
