using System.Text.RegularExpressions;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Stock;

/// <summary>Field checks of stock commands; each throws <see cref="InvalidFieldException"/> naming the field.</summary>
public static partial class StockFields
{
    public const int MaxSerialLength = 64;
    public const int MaxSerialsPerCommand = 1000;
    public const int MaxBatchLength = 40;

    public static string CentreId(string? value) => Require.Code(value, "centre_id");
    public static string PartNumber(string? value) => Require.Code(value, "part_number", CataloguePart.MaxPartNumberLength);
    public static string Bin(string? value, string field = "bin") => Require.Code(value, field);
    public static string ReservationId(string? value) => Require.Code(value, "reservation_id", 64);
    public static string IdempotencyKey(string? value) => Require.Code(value, "idempotency_key", 100);
    public static string Reference(string? value) => Require.OptionalText(value, "reference", 100);
    public static string ReasonCode(string? value) => Require.Code(value, "reason_code");

    /// <summary>The supplier's batch (lot) of a goods-in: optional ("" = unknown), trimmed, a code of at most 40 characters.</summary>
    public static string Batch(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "" : Require.Code(value, "batch", MaxBatchLength);

    public static Guid MovementId(Guid value) =>
        value == Guid.Empty ? throw new InvalidFieldException("movement_id", "is required") : value;

    /// <summary>A serial number: letters, digits, '-' and '_', 1 to 64 characters.</summary>
    public static string Serial(string? value, string field = "serial")
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) throw new InvalidFieldException(field, "is required");
        if (text.Length > MaxSerialLength) throw new InvalidFieldException(field, $"'{text}' is longer than {MaxSerialLength} characters");
        if (!SerialPattern().IsMatch(text)) throw new InvalidFieldException(field, $"'{text}' may contain only letters, digits, '-' and '_'");
        return text;
    }

    /// <summary>A list of serials, each well formed and none twice (may be empty).</summary>
    public static IReadOnlyList<string> Serials(IEnumerable<string?>? values, string field = "serials")
    {
        var list = (values ?? []).Select(s => Serial(s, field)).ToList();
        if (list.Count > MaxSerialsPerCommand) throw new InvalidFieldException(field, $"at most {MaxSerialsPerCommand} serials per command");
        var twice = list.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidFieldException(field, $"serial '{twice.Key}' is listed twice");
        return list;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SerialPattern();
}
