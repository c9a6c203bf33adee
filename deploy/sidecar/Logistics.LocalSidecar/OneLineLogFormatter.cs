using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Logistics.LocalSidecar;

/// <summary>
/// One line per event: "12:00:01.234 INFO  [requests] deliver logistics-pubsub/orders: ...". The app id is in every line because the
/// local stack's sidecars may write to one terminal or one file.
/// </summary>
public sealed class OneLineLogFormatter(string appId) : ConsoleFormatter(Name)
{
    public new const string Name = "sidecar";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is not null) message += " " + logEntry.Exception;
        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "TRACE",
            LogLevel.Debug => "DEBUG",
            LogLevel.Information => "INFO ",
            LogLevel.Warning => "WARN ",
            LogLevel.Error => "ERROR",
            _ => "FATAL",
        };
        // The sidecar's own messages start with what they are about ("publish ...", "deliver ..."); framework
        // messages (Kestrel, hosting) say where they come from.
        var prefix = logEntry.Category.StartsWith("Microsoft.", StringComparison.Ordinal) || logEntry.Category.StartsWith("System.", StringComparison.Ordinal)
            ? logEntry.Category + ": "
            : "";
        textWriter.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {level} [{appId}] {prefix}{message}");
    }
}
