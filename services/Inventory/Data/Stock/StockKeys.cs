using StackExchange.Redis;

namespace Logistics.Inventory.Data.Stock;

/// <summary>
/// The Redis key names of one centre's stock (see README.md). All begin with <c>inv:{centreId}:</c>: the hash
/// tag puts a centre's keys in one Redis Cluster slot, so one script can change them together.
/// The Lua scripts build the same names from <see cref="Prefix"/>.
/// </summary>
public sealed class StockKeys(string centreId)
{
    public string Prefix { get; } = $"inv:{{{centreId}}}:";

    public RedisKey Movements => Prefix + "movements";
    public RedisKey Parts => Prefix + "parts";
    public RedisKey Tracking => Prefix + "tracking";
    public RedisKey Level(string partNumber) => Prefix + "level:" + partNumber;
    public RedisKey SerialsOnHand(string partNumber) => Prefix + "serials:" + partNumber;
    public RedisKey FaultySerials(string partNumber) => Prefix + "faulty:" + partNumber;
    public RedisKey SerialsInTransit(string partNumber) => Prefix + "in_transit:" + partNumber;
    public RedisKey Backorders(string partNumber) => Prefix + "backorders:" + partNumber;
    public RedisKey Reservation(string reservationId) => Prefix + "reservation:" + reservationId;
    public RedisKey Idempotency(string idempotencyKey) => Prefix + "idem:" + idempotencyKey;
}
