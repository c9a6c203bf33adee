using System.ComponentModel.DataAnnotations;

namespace Logistics.Hosting.Settings;

/// <summary>A duration setting that must be longer than zero (a zero or negative period or interval cannot be meant).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute() : ValidationAttribute("{0} must be positive")
{
    public override bool IsValid(object? value) => value is not TimeSpan span || span > TimeSpan.Zero;
}
