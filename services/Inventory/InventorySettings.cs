using System.ComponentModel.DataAnnotations;
using Logistics.Hosting.Settings;

namespace Logistics.Inventory;

/// <summary>
/// Configuration section "Inventory": when the daily replenishment proposal is made (Inventory__ReplenishmentDailyAt,
/// the centre's local time, default 06:00) and how often the job looks whether one is due
/// (Inventory__ReplenishmentCheckInterval, default 10 minutes). A value out of range stops the service at start.
/// </summary>
public sealed class InventorySettings : IServiceSettings, IValidatableObject
{
    public static string Section => "Inventory";

    /// <summary>The centre's local time from which its daily proposal is made.</summary>
    public TimeOnly ReplenishmentDailyAt { get; set; } = new(6, 0);

    /// <summary>How often the job looks whether a centre's proposal is due.</summary>
    public TimeSpan ReplenishmentCheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReplenishmentCheckInterval <= TimeSpan.Zero)
            yield return new ValidationResult($"{Section}:{nameof(ReplenishmentCheckInterval)} must be more than zero", [nameof(ReplenishmentCheckInterval)]);
    }
}
