using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Stock;

/// <summary>A service level of advance replacement. Its rank orders backorders: the fastest level is served first.</summary>
public sealed record ServiceLevel(string Code, int Rank)
{
    /// <summary>Delivered within 4 hours, any day.</summary>
    public static readonly ServiceLevel FourHoursAnyTime = new("7x24x4", 0);
    /// <summary>Delivered within 4 hours of business hours.</summary>
    public static readonly ServiceLevel FourHoursBusinessHours = new("5x9x4", 1);
    /// <summary>Delivered the next calendar day.</summary>
    public static readonly ServiceLevel NextDay = new("7x9xND", 2);
    /// <summary>Delivered the next business day.</summary>
    public static readonly ServiceLevel NextBusinessDay = new("5x9xNBD", 3);

    public static IReadOnlyList<ServiceLevel> All { get; } = [FourHoursAnyTime, FourHoursBusinessHours, NextDay, NextBusinessDay];

    public static ServiceLevel Parse(string? code, string field = "service_level") =>
        All.FirstOrDefault(level => string.Equals(level.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidFieldException(field, $"'{code}' is not a service level ({string.Join(", ", All.Select(l => l.Code))})");

    public override string ToString() => Code;
}
