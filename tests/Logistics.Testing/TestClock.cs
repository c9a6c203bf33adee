namespace Logistics.Testing;

/// <summary>The tests' one clock: it reads <see cref="Now"/>, which stays where the test puts it until the test moves it.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Now += by;
}
