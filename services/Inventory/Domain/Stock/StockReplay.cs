namespace Logistics.Inventory.Domain.Stock;

/// <summary>
/// A centre's stock rebuilt from its movements alone, starting from nothing: the reconcile compares it with
/// Redis and a rebuild writes it back. Levels come from the deltas, serials from the serial moves, tracking
/// from the movements that state it.
/// A movement id seen before is skipped (a re-delivered movement changes nothing). A movement that would leave
/// an unsound level, or moves a serial from a place it is not in, is an anomaly: Apply throws and the picture
/// stays as it was.
/// </summary>
public sealed class StockReplay(string centreId)
{
    private readonly Dictionary<string, StockLevel> _levels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PartTracking> _tracking = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, HeldSerial>> _serials = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _applied = [];

    public string CentreId { get; } = centreId;

    /// <summary>Every part that has had a movement at the centre, in ordinal order.</summary>
    public IReadOnlyList<string> Parts => _levels.Keys.Order(StringComparer.Ordinal).ToList();

    public StockLevel Level(string partNumber) => _levels.GetValueOrDefault(partNumber) ?? StockLevel.Empty(CentreId, partNumber);

    public PartTracking Tracking(string partNumber) => _tracking.GetValueOrDefault(partNumber, PartTracking.Unknown);

    /// <summary>The serials of a part the centre holds (on hand, in transit, faulty, quarantined), by serial.</summary>
    public IReadOnlyList<HeldSerial> Serials(string partNumber) =>
        _serials.TryGetValue(partNumber, out var held) ? held.Values.OrderBy(s => s.Serial, StringComparer.Ordinal).ToList() : [];

    /// <summary>Applies one movement; false when its id was applied before.</summary>
    public bool Apply(Movement movement)
    {
        if (movement.CentreId != CentreId)
            throw new ArgumentException($"movement {movement.MovementId} is of centre {movement.CentreId}, not {CentreId}", nameof(movement));
        if (_applied.Contains(movement.MovementId)) return false;

        var level = Level(movement.PartNumber).Apply(movement.Deltas);
        if (!level.IsSound)
            throw Anomaly(movement, $"it leaves on hand {level.OnHand}, reserved {level.Reserved}, in transit {level.InTransit}, faulty {level.Faulty}, quarantined {level.Quarantined}");

        // Check every serial move against a working copy first, so an anomaly changes nothing.
        var held = _serials.TryGetValue(movement.PartNumber, out var current)
            ? new Dictionary<string, HeldSerial>(current, StringComparer.Ordinal)
            : new Dictionary<string, HeldSerial>(StringComparer.Ordinal);
        foreach (var move in movement.SerialMoves)
        {
            var place = held.TryGetValue(move.Serial, out var serial) ? serial.Place : SerialPlace.None;
            if (place != move.From)
                throw Anomaly(movement, $"it moves serial {move.Serial} from {move.From}, but the serial is {place}");
            if (move.To == SerialPlace.None)
                held.Remove(move.Serial);
            else
                held[move.Serial] = new HeldSerial(move.Serial, move.To,
                    move.To == SerialPlace.OnHand ? move.Bin : "",
                    move.To == SerialPlace.InTransit ? movement.ReservationId : "");
        }

        _levels[movement.PartNumber] = level;
        _serials[movement.PartNumber] = held;
        if (movement.Tracking != PartTracking.Unknown) _tracking[movement.PartNumber] = movement.Tracking;
        _applied.Add(movement.MovementId);
        return true;
    }

    private static InvalidOperationException Anomaly(Movement movement, string problem) =>
        new($"movement {movement.MovementId} ({movement.Kind.WireName()} of part {movement.PartNumber} at centre {movement.CentreId}): {problem}");
}
