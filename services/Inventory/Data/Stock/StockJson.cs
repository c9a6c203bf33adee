using System.Globalization;
using System.Text.Json;
using Logistics.Inventory.Domain.Stock;

namespace Logistics.Inventory.Data.Stock;

/// <summary>
/// Reads the JSON the stock scripts write: a movement (the field "movement" of a stream entry, and the ledger's
/// document) and a level. The format is described in README.md.
/// </summary>
public static class StockJson
{
    public static Movement ParseMovement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ReadMovement(document.RootElement);
    }

    internal static Movement ReadMovement(JsonElement m) => new(
        Guid.Parse(Text(m, "movementId")),
        Text(m, "centreId"),
        Text(m, "partNumber"),
        MovementKinds.Parse(Text(m, "kind")),
        ParseTracking(Text(m, "tracking")),
        Text(m, "bin"),
        m.GetProperty("serials").EnumerateArray().Select(s => s.GetString()!).ToList(),
        m.GetProperty("quantity").GetInt32(),
        ReadDeltas(m.GetProperty("deltas")),
        m.GetProperty("serialMoves").EnumerateArray().Select(ReadSerialMove).ToList(),
        Text(m, "reference"),
        Text(m, "reservationId"),
        Text(m, "reasonCode"),
        DateTimeOffset.Parse(Text(m, "occurredAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
    {
        // Absent from movements written before batches were recorded.
        Batch = m.TryGetProperty("batch", out var batch) ? batch.GetString() ?? "" : "",
        // Written by the disposition script only.
        Counterparty = m.TryGetProperty("counterparty", out var party) ? party.GetString() ?? "" : "",
        Carrier = m.TryGetProperty("carrier", out var carrier) ? carrier.GetString() ?? "" : "",
        TrackingNumber = m.TryGetProperty("trackingNumber", out var tracking) ? tracking.GetString() ?? "" : "",
    };

    internal static StockLevel ReadLevel(JsonElement l) => new(
        Text(l, "centreId"), Text(l, "partNumber"),
        l.GetProperty("onHand").GetInt64(), l.GetProperty("reserved").GetInt64(), l.GetProperty("inTransit").GetInt64(),
        l.GetProperty("faulty").GetInt64(), l.GetProperty("quarantined").GetInt64());

    /// <summary>The time as the scripts record it: ISO-8601 in UTC, to the tick, so it reads back exactly.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string PlaceName(SerialPlace place) => place switch
    {
        SerialPlace.None => "none",
        SerialPlace.OnHand => "on-hand",
        SerialPlace.InTransit => "in-transit",
        SerialPlace.Faulty => "faulty",
        SerialPlace.Quarantined => "quarantined",
        _ => throw new ArgumentOutOfRangeException(nameof(place)),
    };

    public static SerialPlace ParsePlace(string name) => name switch
    {
        "none" => SerialPlace.None,
        "on-hand" => SerialPlace.OnHand,
        "in-transit" => SerialPlace.InTransit,
        "faulty" => SerialPlace.Faulty,
        "quarantined" => SerialPlace.Quarantined,
        _ => throw new FormatException($"'{name}' is not a serial place"),
    };

    public static PartTracking ParseTracking(string name) => name switch
    {
        "" => PartTracking.Unknown,
        "serial" => PartTracking.Serial,
        "quantity" => PartTracking.Quantity,
        _ => throw new FormatException($"'{name}' is not a tracking"),
    };

    private static StockDeltas ReadDeltas(JsonElement d) => new(
        d.GetProperty("onHand").GetInt64(), d.GetProperty("reserved").GetInt64(), d.GetProperty("inTransit").GetInt64(),
        d.GetProperty("faulty").GetInt64(), d.GetProperty("quarantined").GetInt64());

    private static SerialMove ReadSerialMove(JsonElement s) =>
        new(Text(s, "serial"), ParsePlace(Text(s, "from")), ParsePlace(Text(s, "to")), Text(s, "bin"));

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
