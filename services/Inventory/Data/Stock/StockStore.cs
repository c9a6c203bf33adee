using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;
using StackExchange.Redis;

namespace Logistics.Inventory.Data.Stock;

/// <summary>Who changes which centre's stock, and when: the parts every stock command shares.</summary>
/// <param name="IdempotencyKey">A retried command carries the same key and gets the first call's result; nothing changes twice.</param>
/// <param name="MovementId">The id of the movement the command records (made by the caller, so a retry can reuse it).</param>
/// <param name="OccurredAt">When it happened, recorded on the movement (scripts never read the clock).</param>
public sealed record StockCommand(string CentreId, string IdempotencyKey, Guid MovementId, DateTimeOffset OccurredAt);

/// <summary>
/// What a stock command did: the part's level afterwards, the command's movement, and the movements of the
/// backorders it served (when available stock grew). A retried command gets exactly the first call's result.
/// </summary>
public sealed record StockChange(StockLevel Level, Movement Movement, IReadOnlyList<Movement> BackordersServed);

/// <summary>A page of a centre's levels by part number; <paramref name="NextCursor"/> is "" on the last page.</summary>
public sealed record StockLevelPage(IReadOnlyList<StockLevel> Levels, string NextCursor);

/// <summary>
/// Stock levels in Redis (see README.md). Every change is one Lua script that checks its rule, applies the change,
/// records the idempotency key with its result and appends the movement to the centre's stream, atomically.
/// Fields are checked here first (<see cref="InvalidFieldException"/>); the scripts refuse what depends on the
/// stock (<see cref="RuleViolationException"/>, <see cref="NotFoundException"/>, <see cref="AlreadyExistsException"/>),
/// changing nothing. No cancellation token: once sent, a script runs to its end, and a retry with the same
/// idempotency key is the way to learn its result.
/// </summary>
public sealed class StockStore(IConnectionMultiplexer redis)
{
    public const int MaxPageSize = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stock arrives from a supplier into a bin: a serialized part by its serials, another by quantity.</summary>
    public async Task<StockChange> GoodsInAsync(StockCommand command, string partNumber, bool serialized, string bin,
        IReadOnlyList<string>? serials, int quantity, string? reference, string? batch = null)
    {
        var part = StockFields.PartNumber(partNumber);
        var binCode = StockFields.Bin(bin);
        var list = StockFields.Serials(serials);
        if (serialized)
        {
            if (list.Count == 0) throw new InvalidFieldException("serials", $"part {part} is serialized: list the serials received");
            quantity = CountOfSerials(quantity, list.Count);
        }
        else
        {
            if (list.Count > 0) throw new InvalidFieldException("serials", $"part {part} is tracked by quantity: give a quantity, not serials");
            Quantities.Check(quantity);
        }
        return await RunAsync(StockScript.GoodsIn, command,
            new GoodsInArgs(part, serialized, binCode, list, quantity, StockFields.Reference(reference), StockFields.Batch(batch)));
    }

    /// <summary>
    /// Holds units for a request, never more than available. When short: refused, or (with
    /// <paramref name="backorderIfShort"/>) queued as a backorder that stock arriving later serves.
    /// </summary>
    public async Task<StockChange> ReserveAsync(StockCommand command, string partNumber, int quantity, string? reference,
        string reservationId, ServiceLevel serviceLevel, DateTimeOffset requestedAt, bool backorderIfShort)
    {
        ArgumentNullException.ThrowIfNull(serviceLevel);
        var priority = Reservation.BackorderPriority(serviceLevel, requestedAt);
        return await RunAsync(StockScript.Reserve, command, new ReserveArgs(
            StockFields.PartNumber(partNumber), Quantities.Check(quantity), StockFields.Reference(reference),
            StockFields.ReservationId(reservationId), serviceLevel.Code, StockJson.FormatTime(requestedAt), priority, backorderIfShort));
    }

    /// <summary>A reserved reservation gives its units back to available; a backordered one leaves the queue.</summary>
    public async Task<StockChange> ReleaseAsync(StockCommand command, string reservationId) =>
        await RunAsync(StockScript.Release, command, new ReservationArgs(StockFields.ReservationId(reservationId)));

    /// <summary>A reservation's units go in transit; a serialized part names exactly as many serials on hand.</summary>
    public async Task<StockChange> ShipAsync(StockCommand command, string reservationId, IReadOnlyList<string>? serials) =>
        await RunAsync(StockScript.Ship, command, new ShipArgs(StockFields.ReservationId(reservationId), StockFields.Serials(serials)));

    /// <summary>Units in transit from the centre are signed for at their destination: by serials, or by quantity.</summary>
    public async Task<StockChange> ReceiveAtDestinationAsync(StockCommand command, string partNumber, IReadOnlyList<string>? serials,
        int quantity, string? reference)
    {
        var list = StockFields.Serials(serials);
        quantity = list.Count > 0 ? CountOfSerials(quantity, list.Count) : Quantities.Check(quantity);
        return await RunAsync(StockScript.Receive, command,
            new ReceiveArgs(StockFields.PartNumber(partNumber), list, quantity, StockFields.Reference(reference), MovementKind.Received.WireName()));
    }

    /// <summary>
    /// Units in transit from the centre are written off as lost (a lost-in-transit investigation approved): they leave the
    /// centre's books as a delivery does, under the movement kind <c>lost-in-transit</c>.
    /// </summary>
    public async Task<StockChange> LoseInTransitAsync(StockCommand command, string partNumber, IReadOnlyList<string>? serials, int quantity, string? reference)
    {
        var list = StockFields.Serials(serials);
        quantity = list.Count > 0 ? CountOfSerials(quantity, list.Count) : Quantities.Check(quantity);
        return await RunAsync(StockScript.Receive, command,
            new ReceiveArgs(StockFields.PartNumber(partNumber), list, quantity, StockFields.Reference(reference), MovementKind.LostInTransit.WireName()));
    }

    /// <summary>A faulty part arrives for inspection: one serial, or a quantity of a part tracked by quantity.</summary>
    public async Task<StockChange> FaultyInAsync(StockCommand command, string partNumber, string? serial, int quantity, string? reference)
    {
        var serialNumber = string.IsNullOrWhiteSpace(serial) ? "" : StockFields.Serial(serial);
        quantity = serialNumber != "" ? CountOfSerials(quantity, 1) : Quantities.Check(quantity);
        return await RunAsync(StockScript.FaultyIn, command,
            new FaultyInArgs(StockFields.PartNumber(partNumber), serialNumber, quantity, StockFields.Reference(reference)));
    }

    /// <summary>
    /// Decides one faulty unit's fate (a serial, or one unit of a part tracked by quantity); <paramref name="bin"/>
    /// is where a unit going back to stock is put, and only then.
    /// </summary>
    public async Task<StockChange> InspectAsync(StockCommand command, string partNumber, string? serial, InspectionOutcome outcome,
        string? bin, string? reference)
    {
        var serialNumber = string.IsNullOrWhiteSpace(serial) ? "" : StockFields.Serial(serial);
        string binCode;
        if (outcome == InspectionOutcome.ToStock)
            binCode = StockFields.Bin(bin);
        else if (string.IsNullOrWhiteSpace(bin))
            binCode = "";
        else
            throw new InvalidFieldException("bin", $"only the outcome {InspectionOutcome.ToStock.WireName()} puts a unit in a bin");
        return await RunAsync(StockScript.Inspect, command, new InspectArgs(
            StockFields.PartNumber(partNumber), serialNumber, outcome.WireName(), binCode, StockFields.Reference(reference)));
    }

    /// <summary>
    /// Corrects on hand (stock counts): a serialized part by serials added into <paramref name="bin"/> and serials
    /// removed, another by a signed <paramref name="delta"/>. Never leaves on hand below reserved.
    /// </summary>
    public async Task<StockChange> AdjustAsync(StockCommand command, string partNumber, string bin, int delta,
        IReadOnlyList<string>? serialsAdded, IReadOnlyList<string>? serialsRemoved, string reasonCode, string? reference)
    {
        var added = StockFields.Serials(serialsAdded, "serials_added");
        var removed = StockFields.Serials(serialsRemoved, "serials_removed");
        var both = added.Intersect(removed, StringComparer.Ordinal).FirstOrDefault();
        if (both is not null) throw new InvalidFieldException("serials_removed", $"serial '{both}' is also in serials_added");
        if (added.Count + removed.Count > 0 && delta != 0)
            throw new InvalidFieldException("delta", "a serialized part is adjusted by serials added and removed, not by a delta");
        if (added.Count + removed.Count == 0 && delta == 0)
            throw new InvalidFieldException("delta", "must not be zero (or list serials added or removed)");
        return await RunAsync(StockScript.Adjust, command, new AdjustArgs(
            StockFields.PartNumber(partNumber), StockFields.Bin(bin), delta, added, removed,
            StockFields.ReasonCode(reasonCode), StockFields.Reference(reference)));
    }

    /// <summary>
    /// One stock step of a quarantined serial's disposition (<paramref name="kind"/> says from where to where; see
    /// Scripts/dispose.lua): leaving the quarantine for a repairer, the supplier or the write-off, coming back from
    /// repair, and the repaired unit's inspection. <paramref name="bin"/> only for <see cref="MovementKind.RepairedToStock"/>.
    /// </summary>
    public async Task<StockChange> DisposeAsync(StockCommand command, string partNumber, string serial, MovementKind kind, string? bin,
        string reference, string reasonCode, string counterparty, string carrier, string trackingNumber)
    {
        var binCode = kind == MovementKind.RepairedToStock ? StockFields.Bin(bin)
            : string.IsNullOrWhiteSpace(bin) ? "" : throw new InvalidFieldException("bin", "only a repaired unit going back to stock is put in a bin");
        return await RunAsync(StockScript.Dispose, command, new DisposeArgs(StockFields.PartNumber(partNumber), StockFields.Serial(serial),
            kind.WireName(), binCode, StockFields.Reference(reference), reasonCode, counterparty, carrier, trackingNumber));
    }

    /// <summary>
    /// One centre's side of a transfer between centres (<paramref name="kind"/>: see Scripts/transfer.lua): shipped from the
    /// sending centre (the reservation's serials go in transit), delivered (they leave its transit) and received at the
    /// receiving centre (into <paramref name="bin"/>, serving its backorders).
    /// </summary>
    /// <summary>
    /// One centre's side of a transfer step: the serials of a serialized part, or (no serials) <paramref name="quantity"/>
    /// units of a part tracked by quantity.
    /// </summary>
    public async Task<StockChange> TransferAsync(StockCommand command, MovementKind kind, string partNumber, string reservationId,
        IReadOnlyList<string> serials, int quantity, string? bin, string reference, string counterparty, string carrier, string trackingNumber)
    {
        if (kind is not (MovementKind.TransferShipped or MovementKind.TransferDelivered or MovementKind.TransferReceived))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a transfer movement");
        var list = StockFields.Serials(serials);
        var count = list.Count > 0 ? list.Count : Quantities.Check(quantity);
        var binCode = kind == MovementKind.TransferReceived ? StockFields.Bin(bin) : "";
        return await RunAsync(StockScript.Transfer, command, new TransferArgs(kind.WireName(), StockFields.PartNumber(partNumber),
            kind == MovementKind.TransferReceived ? "" : StockFields.ReservationId(reservationId), list, count, binCode,
            StockFields.Reference(reference), counterparty, carrier, trackingNumber));
    }

    /// <summary>True when the centre has the command's idempotency key: a retry, which returns the first result and changes nothing.</summary>
    public async Task<bool> IsRetryAsync(StockCommand command) =>
        await redis.GetDatabase().KeyExistsAsync(new StockKeys(StockFields.CentreId(command.CentreId)).Idempotency(StockFields.IdempotencyKey(command.IdempotencyKey)));

    /// <summary>The level of a part at a centre; all zero when the centre has never had it.</summary>
    public async Task<StockLevel> GetLevelAsync(string centreId, string partNumber)
    {
        var centre = StockFields.CentreId(centreId);
        var part = StockFields.PartNumber(partNumber);
        return await ReadLevelAsync(redis.GetDatabase(), new StockKeys(centre), centre, part);
    }

    /// <summary>The levels of a centre by part number, a page at a time; pass "" (or null) for the first page.</summary>
    public async Task<StockLevelPage> ListLevelsAsync(string centreId, string? cursor, int pageSize)
    {
        var centre = StockFields.CentreId(centreId);
        if (pageSize < 1 || pageSize > MaxPageSize) throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {pageSize})");
        var after = string.IsNullOrEmpty(cursor) ? RedisValue.Null : (RedisValue)PageTokens.PartAfter(cursor);
        var keys = new StockKeys(centre);
        var db = redis.GetDatabase();
        // One more than a page tells whether another page follows.
        var parts = await db.SortedSetRangeByValueAsync(keys.Parts, min: after, exclude: Exclude.Start, skip: 0, take: pageSize + 1);
        var page = parts.Take(pageSize).Select(p => (string)p!).ToList();
        var levels = await Task.WhenAll(page.Select(part => ReadLevelAsync(db, keys, centre, part)));
        return new StockLevelPage(levels, parts.Length > pageSize ? PageTokens.After(page[^1]) : "");
    }

    /// <summary>The serials of a part the centre holds: on hand (with bin), faulty, quarantined, in transit (with reservation).</summary>
    public async Task<IReadOnlyList<HeldSerial>> ListSerialsAsync(string centreId, string partNumber)
    {
        var keys = new StockKeys(StockFields.CentreId(centreId));
        var part = StockFields.PartNumber(partNumber);
        var db = redis.GetDatabase();
        var onHand = db.HashGetAllAsync(keys.SerialsOnHand(part));
        var faulty = db.HashGetAllAsync(keys.FaultySerials(part));
        var inTransit = db.HashGetAllAsync(keys.SerialsInTransit(part));
        var held = (await onHand).Select(e => new HeldSerial(e.Name!, SerialPlace.OnHand, e.Value!, ""))
            .Concat((await faulty).Select(e => new HeldSerial(e.Name!, StockJson.ParsePlace(e.Value!), "", "")))
            .Concat((await inTransit).Select(e => new HeldSerial(e.Name!, SerialPlace.InTransit, "", e.Value!)));
        return held.OrderBy(s => s.Serial, StringComparer.Ordinal).ToList();
    }

    /// <summary>A reservation at a centre, or null when there is none by that id.</summary>
    public async Task<Reservation?> GetReservationAsync(string centreId, string reservationId)
    {
        var centre = StockFields.CentreId(centreId);
        var id = StockFields.ReservationId(reservationId);
        var fields = (await redis.GetDatabase().HashGetAllAsync(new StockKeys(centre).Reservation(id)))
            .ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        if (fields.Count == 0) return null;
        return new Reservation(centre, id, fields["part"], int.Parse(fields["quantity"], CultureInfo.InvariantCulture), fields["reference"],
            Enum.Parse<ReservationState>(fields["state"], ignoreCase: true), ServiceLevel.Parse(fields["service_level"]),
            DateTimeOffset.Parse(fields["requested_at"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    }

    private static async Task<StockLevel> ReadLevelAsync(IDatabase db, StockKeys keys, string centre, string part)
    {
        var v = await db.HashGetAsync(keys.Level(part), ["on_hand", "reserved", "in_transit", "faulty", "quarantined"]);
        return new StockLevel(centre, part, (long?)v[0] ?? 0, (long?)v[1] ?? 0, (long?)v[2] ?? 0, (long?)v[3] ?? 0, (long?)v[4] ?? 0);
    }

    /// <summary>For a part counted by serials: the quantity is the number of serials (0 means "count them").</summary>
    private static int CountOfSerials(int quantity, int serials)
    {
        Quantities.CheckCounted(quantity, "quantity");
        if (quantity != 0 && quantity != serials)
            throw new InvalidFieldException("quantity", $"is {quantity}, but {serials} serial(s) are given");
        return serials;
    }

    private async Task<StockChange> RunAsync(StockScript script, StockCommand command, object args)
    {
        var centre = StockFields.CentreId(command.CentreId);
        var idempotencyKey = StockFields.IdempotencyKey(command.IdempotencyKey);
        var movementId = StockFields.MovementId(command.MovementId);
        if (command.OccurredAt == default) throw new InvalidFieldException("occurred_at", "is required");
        var keys = new StockKeys(centre);
        // The key's stored result belongs to these arguments only; the movement id and time may differ on a retry.
        var argsJson = JsonSerializer.Serialize(args, args.GetType(), Json);
        var argsHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script.Name + "\n" + argsJson)));
        var call = JsonSerializer.Serialize(new Call(keys.Prefix, centre, argsHash, movementId.ToString(), StockJson.FormatTime(command.OccurredAt)), Json);

        var reply = await redis.GetDatabase().ScriptEvaluateAsync(script.Text, [keys.Movements, keys.Idempotency(idempotencyKey)], [call, argsJson]);
        return ReadChange((string)reply!);
    }

    private static StockChange ReadChange(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("refused", out var refused))
        {
            var message = refused.GetProperty("message").GetString()!;
            throw refused.GetProperty("kind").GetString() switch
            {
                "InvalidField" => new InvalidFieldException(refused.GetProperty("field").GetString()!, message),
                "NotFound" => new NotFoundException(message),
                "AlreadyExists" => new AlreadyExistsException(message),
                _ => new RuleViolationException(message),
            };
        }
        return new StockChange(
            StockJson.ReadLevel(root.GetProperty("level")),
            StockJson.ReadMovement(root.GetProperty("movement")),
            root.GetProperty("backordersServed").EnumerateArray().Select(StockJson.ReadMovement).ToList());
    }

    private sealed record Call(string Prefix, string CentreId, string ArgsHash, string MovementId, string OccurredAt);
    private sealed record GoodsInArgs(string Part, bool Serialized, string Bin, IReadOnlyList<string> Serials, int Quantity, string Reference, string Batch);
    private sealed record ReserveArgs(string Part, int Quantity, string Reference, string ReservationId, string ServiceLevel,
        string RequestedAt, long Priority, bool BackorderIfShort);
    private sealed record ReservationArgs(string ReservationId);
    private sealed record ShipArgs(string ReservationId, IReadOnlyList<string> Serials);
    private sealed record ReceiveArgs(string Part, IReadOnlyList<string> Serials, int Quantity, string Reference, string Kind);
    private sealed record FaultyInArgs(string Part, string Serial, int Quantity, string Reference);
    private sealed record InspectArgs(string Part, string Serial, string Outcome, string Bin, string Reference);
    private sealed record TransferArgs(string Kind, string Part, string ReservationId, IReadOnlyList<string> Serials, int Quantity, string Bin,
        string Reference, string Counterparty, string Carrier, string TrackingNumber);

    private sealed record DisposeArgs(string Part, string Serial, string Kind, string Bin, string Reference, string ReasonCode,
        string Counterparty, string Carrier, string TrackingNumber);
    private sealed record AdjustArgs(string Part, string Bin, int Delta, IReadOnlyList<string> SerialsAdded,
        IReadOnlyList<string> SerialsRemoved, string ReasonCode, string Reference);
}
