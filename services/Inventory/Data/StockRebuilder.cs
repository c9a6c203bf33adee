using Logistics.SharedKernel;
using Logistics.Inventory.Data.Stock;
using Logistics.Inventory.Domain.Stock;
using StackExchange.Redis;

namespace Logistics.Inventory.Data;

/// <summary>
/// Restores a centre's stock in Redis from the Postgres ledger, e.g. after Redis lost its data: levels, parts,
/// tracking and serials from <see cref="StockReplay"/>, reservations from the reservation movements. It is a
/// maintenance operation for a quiet centre: it replaces the centre's keys in one MULTI/EXEC. The caller drains the
/// centre's movement stream into the ledger first (whatever Redis still holds belongs there).
/// Movements carry no service level, so backorders come back in arrival order at the slowest level
/// (their relative priority by service level is not in the ledger). Claims of serials the ledger does not hold, older
/// than the lease, are cleared.
/// </summary>
public sealed class StockRebuilder(IConnectionMultiplexer redis, MovementLedger ledger, SerialClaims claims, ILogger<StockRebuilder> logger)
{
    private sealed record RestoredReservation(string Part, int Quantity, string Reference, string State, DateTimeOffset At);

    public async Task RebuildAsync(string centreId, CancellationToken ct)
    {
        var replay = new StockReplay(centreId);
        var reservations = new Dictionary<string, RestoredReservation>(StringComparer.Ordinal);
        var backorderOrder = new List<string>();
        await foreach (var movement in ledger.ReadAllAsync(centreId, ct))
        {
            if (!replay.Apply(movement) || movement.ReservationId == "") continue;
            var id = movement.ReservationId;
            switch (movement.Kind)
            {
                case MovementKind.Reserved:
                    reservations[id] = new(movement.PartNumber, movement.Quantity, movement.Reference, "reserved", reservations.TryGetValue(id, out var r) ? r.At : movement.OccurredAt);
                    break;
                case MovementKind.Backordered:
                    reservations[id] = new(movement.PartNumber, movement.Quantity, movement.Reference, "backordered", movement.OccurredAt);
                    backorderOrder.Add(id);
                    break;
                case MovementKind.Released or MovementKind.Shipped when reservations.TryGetValue(id, out var known):
                    reservations[id] = known with { State = movement.Kind == MovementKind.Released ? "released" : "shipped" };
                    break;
            }
        }

        var keys = new StockKeys(centreId);
        var db = redis.GetDatabase();
        var old = new List<RedisKey>();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
            await foreach (var key in server.KeysAsync(pattern: keys.Prefix + "*"))
                if (!key.ToString().StartsWith(keys.Prefix + "idem:", StringComparison.Ordinal)) old.Add(key); // keep retry protection

        var tx = db.CreateTransaction();
        var writes = new List<Task>();
        if (old.Count > 0) writes.Add(tx.KeyDeleteAsync(old.ToArray()));
        foreach (var part in replay.Parts)
        {
            var l = replay.Level(part);
            writes.Add(tx.HashSetAsync(keys.Level(part), [new("on_hand", l.OnHand), new("reserved", l.Reserved), new("in_transit", l.InTransit), new("faulty", l.Faulty), new("quarantined", l.Quarantined)]));
            writes.Add(tx.SortedSetAddAsync(keys.Parts, part, 0));
            var tracking = replay.Tracking(part);
            if (tracking != PartTracking.Unknown) writes.Add(tx.HashSetAsync(keys.Tracking, part, tracking == PartTracking.Serial ? "serial" : "quantity"));
            foreach (var s in replay.Serials(part))
            {
                writes.Add(s.Place switch
                {
                    SerialPlace.OnHand => tx.HashSetAsync(keys.SerialsOnHand(part), s.Serial, s.Bin),
                    SerialPlace.InTransit => tx.HashSetAsync(keys.SerialsInTransit(part), s.Serial, s.ReservationId),
                    _ => tx.HashSetAsync(keys.FaultySerials(part), s.Serial, StockJson.PlaceName(s.Place)),
                });
            }
        }
        var slowest = ServiceLevel.All[^1];
        foreach (var (id, r) in reservations)
        {
            writes.Add(tx.HashSetAsync(keys.Reservation(id),
            [
                new("part", r.Part), new("quantity", r.Quantity), new("reference", r.Reference), new("state", r.State),
                new("service_level", slowest.Code), new("requested_at", StockJson.FormatTime(r.At)),
            ]));
        }
        foreach (var id in backorderOrder.Where(id => reservations[id].State == "backordered"))
        {
            var r = reservations[id];
            writes.Add(tx.SortedSetAddAsync(keys.Backorders(r.Part), id, Reservation.BackorderPriority(slowest, r.At)));
        }
        if (!await tx.ExecuteAsync()) throw new InvalidOperationException($"rebuilding centre {centreId} did not commit");
        await Task.WhenAll(writes);
        // A goods-in that died between its claim and its script left a claim the ledger does not back.
        var held = replay.Parts.SelectMany(p => replay.Serials(p).Select(s => (p, s.Serial))).ToHashSet();
        await claims.ClearDanglingAsync(centreId, held, ct);
        logger.LogWarning("Rebuilt stock of centre {CentreId} from the ledger: {Parts} parts, {Reservations} reservations",
            centreId, replay.Parts.Count, reservations.Count);
    }
}
