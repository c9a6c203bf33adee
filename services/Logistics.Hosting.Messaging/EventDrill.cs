using Logistics.SharedKernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Logistics.Hosting.Messaging;

/// <summary>
/// Test-only: makes the subscribers refuse chosen events, so a test can send one to the dead-letter topic and "fix" it
/// afterwards. `Testing:FailEventsFile` names a file of markers, one a line; an event whose data contains one is refused
/// as unappliable (as a malformed event is: straight to the dead-letter topic), until the line is removed. It is off
/// unless set, and honoured only in the `Testing` environment: a service given the setting in any other environment
/// (Production is the default) refuses to start, so no deployed configuration can turn it on.
/// </summary>
public sealed class EventDrill
{
    public const string Setting = "Testing:FailEventsFile";
    public const string Environment = "Testing";

    private readonly string? _file;

    private EventDrill(string? file) => _file = file;

    public static EventDrill Off { get; } = new(null);

    public static EventDrill From(IConfiguration configuration, IHostEnvironment environment)
    {
        var file = configuration[Setting];
        if (string.IsNullOrEmpty(file)) return Off;
        if (!environment.IsEnvironment(Environment))
            throw new InvalidOperationException(
                $"{Setting} is a test switch and works only with ASPNETCORE_ENVIRONMENT={Environment} (this is {environment.EnvironmentName}); remove it.");
        return new EventDrill(file);
    }

    public bool IsOn => _file is not null;

    public void ThrowIfFailing(string data)
    {
        if (_file is null || !File.Exists(_file)) return;
        foreach (var marker in File.ReadAllLines(_file))
        {
            if (marker.Length > 0 && data.Contains(marker, StringComparison.Ordinal))
                throw new InvalidFieldException("event", $"refused by the test drill (marker '{marker}')");
        }
    }
}
