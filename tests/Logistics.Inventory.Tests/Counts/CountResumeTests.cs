using Logistics.Inventory.Jobs;
using Logistics.Inventory.Domain.Counts;
using Logistics.SharedKernel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Logistics.Inventory.Tests.Counts.Kit;

namespace Logistics.Inventory.Tests.Counts;

/// <summary>At start, the counts approved before a crash are posted one by one: one that cannot be posted blocks no other.</summary>
public sealed class CountResumeTests
{
    [Fact]
    public async Task A_count_that_fails_to_post_is_logged_and_the_counts_behind_it_are_still_posted()
    {
        var posted = new List<string>();
        var log = new ListLogger();

        var counted = long.MaxValue;
        var failed = await CountPostingResume.ResumeEachAsync(["C-1", "C-2", "C-3"], (countId, ct) =>
        {
            // What the old posting of a count with a line of 2^63 - 1 did: fail in arithmetic, on every retry.
            if (countId == "C-2") posted.Add(checked((int)counted).ToString(System.Globalization.CultureInfo.InvariantCulture));
            posted.Add(countId);
            return Task.CompletedTask;
        }, log, CancellationToken.None);

        Assert.Equal(["C-1", "C-3"], posted);
        Assert.Equal(["C-2"], failed);
        var error = Assert.Single(log.Errors);
        Assert.Contains("C-2", error);
    }

    [Fact]
    public async Task Stopping_the_service_stops_the_resume_instead_of_counting_as_a_failure()
    {
        using var stopping = new CancellationTokenSource();
        var posted = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CountPostingResume.ResumeEachAsync(["C-1", "C-2"], (countId, ct) =>
        {
            posted.Add(countId);
            stopping.Cancel();
            ct.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        }, NullLogger.Instance, stopping.Token));

        Assert.Equal(["C-1"], posted);
    }

    [Fact]
    public void The_count_that_stopped_the_resume_can_no_longer_be_recorded()
    {
        // The line that used to reach the posting: 2^63 - 1 counted. It is now refused when it is submitted.
        var count = Started(Parts("SCREW-M3"), Qty("SCREW-M3", 500));

        var e = Assert.Throws<InvalidFieldException>(() => count.Submit(Alice, Counted("SCREW-M3", long.MaxValue)));

        Assert.Equal("counted_quantity", e.Field);
        Assert.Equal(CountState.Counting, count.State);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error) Errors.Add(formatter(state, exception));
        }
    }
}
