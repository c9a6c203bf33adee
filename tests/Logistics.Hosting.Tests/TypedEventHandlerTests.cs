using Logistics.Events.V1;
using Logistics.Hosting.Data;
using Logistics.Hosting.Messaging;
using Logistics.Hosting.Telemetry;
using Logistics.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Logistics.Hosting.Tests;

/// <summary>
/// MapIntegrationEvent&lt;TEvent, THandler&gt;: the handler class is made from the delivery's services for each event,
/// behind the same inbox as a delegate (so a replayed dead letter runs it too), and a handler whose dependency the
/// service does not register stops the service when it maps the topic.
/// </summary>
public sealed class TypedEventHandlerTests(TestPostgres postgres) : IClassFixture<TestPostgres>
{
    private sealed record Seen(List<string> Parts);

    private sealed class RecordingHandler(Seen seen, TimeProvider clock) : IIntegrationEventHandler<PartCatalogued>
    {
        public Task HandleAsync(PartCatalogued e, InboxContext inbox, CancellationToken ct)
        {
            seen.Parts.Add($"{e.PartNumber}@{EventTime.Of(e.OccurredAt, clock):yyyy-MM-dd}");
            return Task.CompletedTask;
        }
    }

    private sealed class Unregistered;

    private sealed class NeedsWhatIsNotThere(Unregistered missing) : IIntegrationEventHandler<PartCatalogued>
    {
        public Task HandleAsync(PartCatalogued e, InboxContext inbox, CancellationToken ct) => Task.FromResult(missing);
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static WebApplication App(Seen seen)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSingleton(new MessagingOptions { AppId = "test" });
        builder.Services.AddSingleton(EventDrill.Off);
        builder.Services.AddSingleton<IntegrationEventHandlers>();
        builder.Services.AddSingleton<EventMetrics>();
        builder.Services.AddSingleton<TimeProvider>(new TestClock(Now));
        builder.Services.AddSingleton(seen);
        return builder.Build();
    }

    [Fact]
    public async Task The_handler_is_made_from_the_deliverys_services_behind_the_inbox()
    {
        var seen = new Seen([]);
        await using var app = App(seen);
        app.MapIntegrationEvent<PartCatalogued, RecordingHandler>(EventTopics.PartCatalogued);
        var apply = app.Services.GetRequiredService<IntegrationEventHandlers>().Find(EventTopics.PartCatalogued);
        Assert.NotNull(apply);

        var csb = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()) { SearchPath = "svc" };
        await using var db = NpgsqlDataSource.Create(csb.ConnectionString);
        await new MigrationRunner(db, new ServiceSchema("svc"), NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(MigrationRunner.Discover(typeof(MigrationRunner).Assembly), CancellationToken.None);
        async Task<ApplyOutcome> Deliver(string eventId, string data)
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var outcome = await apply(eventId, data, tx, app.Services, CancellationToken.None);
            await tx.CommitAsync();
            return outcome;
        }

        Assert.Equal(ApplyOutcome.Applied, await Deliver("ev-1", """{"partNumber":"P1","occurredAt":"2026-11-30T10:00:00Z"}"""));
        Assert.Equal(ApplyOutcome.AlreadyApplied, await Deliver("ev-1", """{"partNumber":"P1","occurredAt":"2026-11-30T10:00:00Z"}"""));
        Assert.Equal(ApplyOutcome.Applied, await Deliver("ev-2", """{"partNumber":"P2"}""")); // no time: the service's clock
        Assert.Equal(["P1@2026-11-30", "P2@2026-12-02"], seen.Parts);
    }

    [Fact]
    public async Task A_handler_whose_dependency_is_not_registered_stops_the_service_when_its_topic_is_mapped()
    {
        await using var app = App(new Seen([]));
        var e = Assert.Throws<InvalidOperationException>(() =>
            app.MapIntegrationEvent<PartCatalogued, NeedsWhatIsNotThere>(EventTopics.PartCatalogued));
        Assert.Contains(nameof(Unregistered), e.Message);
        Assert.Contains(EventTopics.PartCatalogued, e.Message);
    }
}
