using Logistics.Web.Components.Shared;

namespace Logistics.Web.Tests;

/// <summary>A lookup that follows typing: only the last of a quick run of calls runs, and a superseded one is cancelled.</summary>
public sealed class LatestOnlyTests
{
    [Fact]
    public async Task Of_a_quick_run_of_calls_only_the_last_looks_up()
    {
        using var latest = new LatestOnly(TimeSpan.FromMilliseconds(200));
        var looked = new List<string>();
        var calls = "ABCD".Select((_, i) => "ABCD"[..(i + 1)])
            .Select(typed => latest.RunAsync(_ => { looked.Add(typed); return Task.CompletedTask; }))
            .ToList();

        var finished = await Task.WhenAll(calls);

        Assert.Equal(["ABCD"], looked);
        Assert.Equal([false, false, false, true], finished);
    }

    [Fact]
    public async Task A_newer_call_cancels_a_lookup_already_under_way_and_its_exception_is_swallowed()
    {
        using var latest = new LatestOnly(TimeSpan.Zero);
        var started = new TaskCompletionSource();
        var slow = latest.RunAsync(async cancel =>
        {
            started.SetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), cancel); // a slow answer for "AB"
        });
        await started.Task;

        var fast = await latest.RunAsync(_ => Task.CompletedTask);

        Assert.True(fast);
        Assert.False(await slow.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_lookup_that_fails_on_its_own_still_reports_its_error() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new LatestOnly(TimeSpan.Zero).RunAsync(_ => throw new InvalidOperationException("the service refused")));
}
