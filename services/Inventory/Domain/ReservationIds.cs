using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>
/// A reservation's public id is "&lt;centre id&gt;.&lt;id within the centre&gt;": the centre comes first so that a
/// release, which names only the reservation, finds the centre (and its Redis slot) without a lookup.
/// </summary>
public static class ReservationIds
{
    public static string Format(string centreId, string localId) => $"{centreId}.{localId}";

    /// <summary>A new local id; the same for the same idempotency key, so a retried reserve names the same reservation.</summary>
    public static string New(string centreId, string idempotencyKey) =>
        "R" + Fingerprint.Hex(centreId, idempotencyKey)[..20];

    /// <summary>The local id of the reservation made for a part request: the same for every delivery of its events.</summary>
    public static string ForRequest(string requestId) =>
        "Q" + Fingerprint.Hex(requestId)[..20];

    /// <summary>Whether a local id is that of a part request's reservation (<see cref="ForRequest"/>), not one made through the API.</summary>
    public static bool IsForRequest(string localId) => localId.StartsWith('Q');

    public static (string CentreId, string LocalId) Parse(string? reservationId)
    {
        var id = Require.Code(reservationId, "reservation_id", 120);
        var dot = id.LastIndexOf('.');
        if (dot <= 0 || dot == id.Length - 1)
            throw new InvalidFieldException("reservation_id", $"'{id}' is not a reservation id (<centre id>.<id>)");
        return (id[..dot], id[(dot + 1)..]);
    }
}

/// <summary>Idempotency keys belong to the caller that sent them.</summary>
public static class IdempotencyKeys
{
    /// <summary>One key per caller and key, short and of safe characters whatever the caller sent.</summary>
    public static string Scoped(string caller, string key) =>
        Fingerprint.Hex(caller, key)[..40];
}
