using Logistics.Hosting.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Logistics.Hosting.Tests;

/// <summary>A background job's round that throws is logged and skipped; the job keeps its rhythm and the host lives.</summary>
public sealed class PeriodicJobTests
{
    [Fact]
    public async Task A_round_that_throws_is_skipped_and_the_next_rounds_run()
    {
        using var job = new FailingFirstRoundsJob(failures: 2);

        await job.StartAsync(CancellationToken.None);
        var ran = await Task.WhenAny(job.ThirdRound.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        await job.StopAsync(CancellationToken.None);

        Assert.Same(job.ThirdRound.Task, ran);
        Assert.True(job.ExecuteTask!.IsCompletedSuccessfully || job.ExecuteTask.IsCanceled, $"the job ended with {job.ExecuteTask.Exception}");
    }

    /// <summary>Throws what a record it cannot read would throw, in its first rounds.</summary>
    private sealed class FailingFirstRoundsJob(int failures) : PeriodicJob(TimeProvider.System, NullLogger.Instance)
    {
        private int _rounds;
        public TaskCompletionSource ThirdRound { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override TimeSpan Interval => TimeSpan.FromMilliseconds(20);
        protected override string Name => "Failing job";

        protected override Task RunRoundAsync(CancellationToken ct)
        {
            var round = Interlocked.Increment(ref _rounds);
            if (round <= failures) throw new System.Text.Json.JsonException("a record the job cannot read");
            if (round == 3) ThirdRound.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
