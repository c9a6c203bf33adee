using Logistics.LocalStack;
using Logistics.Testing;

namespace Logistics.Faults.Tests;

/// <summary>
/// A stack whose start fails part way (here: Postgres runs, but the stack's database cannot be made) leaves nothing
/// running once stopped: the benchmark program and the test harness stop the stack on the way out, and the processes run
/// in their own session, so one the stack did not know of would outlive them.
/// </summary>
public sealed class StackStartFailureTests
{
    [Fact]
    public async Task A_stack_whose_start_fails_after_postgres_started_stops_postgres_too()
    {
        using var folder = new TempFolder();
        var layout = StackLayout.Load().WithPorts(FreePort.Distinct());
        layout = layout with { Postgres = layout.Postgres with { Database = "no\"such" } }; // CREATE DATABASE refuses the name
        var stack = new LocalStack.LocalStack(layout, folder.Path);

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => stack.StartAsync());
        var postgres = stack.Postgres.Process ?? throw new InvalidOperationException("postgres was never started");
        Assert.True(postgres.IsRunning, "the start failed after postgres was running");

        stack.Stop();
        Assert.False(postgres.IsRunning, $"postgres (pid {postgres.Pid}) still runs after the stack stopped");
    }
}
