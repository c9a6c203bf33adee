using Logistics.Hosting.Data;
using Logistics.Returns.Data;
using Logistics.Returns.Domain;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Returns.Events;

/// <summary>Writing a return together with the steps it publishes, in one transaction: for the API, the handlers and the overdue job.</summary>
public static class ReturnChanges
{
    /// <summary>Inserts a newly opened return and publishes its "opened" step; a return that exists already is not opened again.</summary>
    public static async Task OpenAsync(ReturnStore store, NpgsqlTransaction tx, FaultyReturn opened, ILogger logger, CancellationToken ct)
    {
        if (await store.InsertAsync(tx, opened, ct))
        {
            await ReturnEvents.PublishNewStepsAsync(tx, opened, ct);
            logger.LogInformation("Opened return {ReturnId} of serial {Serial} for engineer {EngineerId}, due {DueAt:u}",
                opened.ReturnId, opened.Serial, opened.EngineerId, opened.DueAt);
        }
        else
        {
            logger.LogInformation("Return {ReturnId} exists already, or serial {PartNumber}/{Serial} has a return that is not closed; not opened again",
                opened.ReturnId, opened.PartNumber, opened.Serial);
        }
    }

    /// <summary>
    /// The approval and the replacement's shipment of one claim are applied one after the other: delivered at once, each
    /// would otherwise miss the other's uncommitted row and the dead unit's clock would never start from the shipment.
    /// </summary>
    public static Task LockClaimAsync(NpgsqlTransaction tx, string doaClaimId, CancellationToken ct) =>
        tx.LockAsync("doa-claim:" + doaClaimId, ct);

    /// <summary>
    /// Applies an event's change to <paramref name="r"/> and saves it with its new steps. A change that says nothing
    /// changed (false), or that the domain refuses (stale or out of order: logged through <paramref name="refused"/>),
    /// leaves the return as it is; retrying would not mend it.
    /// </summary>
    public static async Task ApplyAsync(ReturnStore store, NpgsqlTransaction tx, FaultyReturn r, Func<bool> change,
        Action<string> refused, CancellationToken ct)
    {
        try
        {
            if (!change()) return;
        }
        catch (DomainException x)
        {
            refused(x.Message);
            return;
        }
        await SaveAsync(store, tx, r, ct);
    }

    /// <summary>Writes a changed return and publishes its new steps.</summary>
    public static async Task SaveAsync(ReturnStore store, NpgsqlTransaction tx, FaultyReturn r, CancellationToken ct)
    {
        await store.SaveAsync(tx, r, ct);
        await ReturnEvents.PublishNewStepsAsync(tx, r, ct);
    }
}
