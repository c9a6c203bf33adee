using System.Globalization;

namespace Logistics.Web.Live;

/// <summary>The user's time zone (from the browser, once the circuit starts), now, and how the console writes times.</summary>
public sealed class UserClock(TimeProvider clock)
{
    /// <summary>Now, on the app's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public void Use(string? ianaId)
    {
        if (!string.IsNullOrEmpty(ianaId) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone)) Zone = zone;
    }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public string Format(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.CurrentCulture);

    public string Format(Google.Protobuf.WellKnownTypes.Timestamp? at) => at is null ? "" : Format(at.ToDateTimeOffset());
}
