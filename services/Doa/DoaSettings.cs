using System.ComponentModel.DataAnnotations;
using Logistics.Doa.Domain;
using Logistics.Hosting.Settings;

namespace Logistics.Doa;

/// <summary>
/// Configuration section "Doa": the DOA window a deployment may change (Doa__Window, a TimeSpan such as "2.00:00:00";
/// default 48 h). A window that is not positive stops the service at start, naming the setting.
/// </summary>
public sealed class DoaSettings : IServiceSettings, IValidatableObject
{
    public static string Section => "Doa";

    public TimeSpan Window { get; set; } = DoaPolicy.Default.Window;

    public DoaPolicy Policy => DoaPolicy.Default with { Window = Window };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero) yield return new ValidationResult($"{Section}:{nameof(Window)} must be positive (was {Window})", [nameof(Window)]);
    }
}
