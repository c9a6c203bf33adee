using System.Globalization;

namespace Logistics.Hosting.Time;

/// <summary>
/// The system clock moved by an offset read from a file (setting <c>Clock:OffsetFile</c>, a <see cref="TimeSpan"/>
/// such as <c>10.00:00:00</c>). It lets the end-to-end tests, and an operator rehearsing a deadline, see what the
/// services do days later (overdue returns, windows) without waiting; without the setting the services use the
/// system clock. The file is read at most every 200 ms; a missing or unreadable file keeps the last offset.
/// </summary>
public sealed class OffsetTimeProvider(string offsetFile) : TimeProvider
{
    private static readonly TimeSpan ReadEvery = TimeSpan.FromMilliseconds(200);
    private readonly Lock _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public override DateTimeOffset GetUtcNow()
    {
        var now = System.GetUtcNow();
        lock (_gate)
        {
            if (now - _readAt >= ReadEvery)
            {
                _readAt = now;
                if (TryRead(out var offset)) _offset = offset;
            }
            return now + _offset;
        }
    }

    private bool TryRead(out TimeSpan offset)
    {
        offset = default;
        try
        {
            return TimeSpan.TryParse(File.ReadAllText(offsetFile).Trim(), CultureInfo.InvariantCulture, out offset);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
