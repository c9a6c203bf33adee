using System.Text;
using Logistics.Hosting.Messaging;
using Logistics.Hosting.Messaging.DeadLetters;
using Logistics.SharedKernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Logistics.Hosting.Tests;

/// <summary>The dead letters' rules (decided once, a reason required) and how an arrival on the dead-letter topic is read.</summary>
public sealed class DeadLetterTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static DeadLetter Waiting() => new(Guid.NewGuid(), 7,
        new DeadEvent("ev-1", "part-catalogued", "com.dapr.event.sent", "inventory", "application/json", """{"partNumber":"P1"}"""),
        "HTTP 500", 3, 1, At, DeadLetterState.Waiting, null);

    [Fact]
    public void A_waiting_letter_is_replayed_once_with_who_when_and_the_outcome()
    {
        var replayed = Waiting().Replayed("admin1", At.AddMinutes(5), ReplayOutcome.AlreadyApplied);

        Assert.Equal(DeadLetterState.Replayed, replayed.State);
        Assert.Equal(new DeadLetterDecision("admin1", At.AddMinutes(5), "", ReplayOutcome.AlreadyApplied), replayed.Decision);
        var again = Assert.Throws<RuleViolationException>(() => replayed.Replayed("admin2", At.AddMinutes(6), ReplayOutcome.Applied));
        Assert.Contains("already replayed by admin1", again.Message);
        Assert.Throws<RuleViolationException>(() => replayed.Discarded("admin2", At, "too late"));
    }

    [Fact]
    public void A_waiting_letter_is_discarded_with_a_trimmed_reason_and_then_neither_replayed_nor_discarded_again()
    {
        var discarded = Waiting().Discarded("admin1", At, "  Duplicate of a corrected event.\nNothing to apply. ");

        Assert.Equal(DeadLetterState.Discarded, discarded.State);
        Assert.Equal(("admin1", "Duplicate of a corrected event.\nNothing to apply."), (discarded.Decision!.By, discarded.Decision.DiscardReason));
        Assert.Throws<RuleViolationException>(() => discarded.Replayed("admin1", At, ReplayOutcome.Applied));
        Assert.Contains("already discarded", Assert.Throws<RuleViolationException>(() => discarded.Discarded("admin1", At, "again")).Message);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("  \n ", "is required")]
    [InlineData("bell\u0007", "control characters")]
    public void A_discard_without_a_proper_reason_is_refused_naming_the_field(string? reason, string problem)
    {
        var e = Assert.Throws<InvalidFieldException>(() => Waiting().Discarded("admin1", At, reason!));
        Assert.Equal("reason", e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_reason_may_have_500_characters_and_no_more()
    {
        Assert.Equal(500, DeadLetter.CheckReason(new string('r', 500)).Length);
        Assert.Equal("reason", Assert.Throws<InvalidFieldException>(() => DeadLetter.CheckReason(new string('r', 501))).Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("3f2b8c1e7a4d4e5f9a102b3c4d5e6f70")] // a UUID without its dashes is not the API's form
    [InlineData("3f2b8c1e-7a4d-4e5f-9a10-2b3c4d5e6f7g")]
    public void A_dead_letter_id_must_be_a_uuid(string id) =>
        Assert.Equal("dead_letter_id", Assert.Throws<InvalidFieldException>(() => DeadLetter.ParseId(id)).Field);

    [Fact]
    public void States_have_wire_names_and_an_unknown_filter_is_refused()
    {
        foreach (var state in Enum.GetValues<DeadLetterState>())
            Assert.Equal(state, DeadLetter.ParseState(DeadLetter.StateName(state)));
        Assert.Equal("state", Assert.Throws<InvalidFieldException>(() => DeadLetter.ParseState("lost")).Field);
    }

    [Fact]
    public void An_arrival_keeps_the_original_event_and_the_sidecars_reason_and_attempts()
    {
        var ce = """
            {"id":"9b1c","source":"inventory","type":"com.dapr.event.sent","specversion":"1.0","datacontenttype":"application/json",
             "topic":"part-catalogued","pubsubname":"logistics-pubsub","data":{"partNumber":"P1","serialized":true},
             "deadletterreason":"HTTP 200 status DROP: event: refused","deadletterattempts":4}
            """;

        var arrival = DeadLetterArrival.Parse(Encoding.UTF8.GetBytes(ce), out var problem);

        Assert.Equal("", problem);
        Assert.Equal(new DeadEvent("9b1c", "part-catalogued", "com.dapr.event.sent", "inventory", "application/json",
            """{"partNumber":"P1","serialized":true}"""), arrival!.Event);
        Assert.Equal(("HTTP 200 status DROP: event: refused", 4), (arrival.Error, arrival.Attempts));
    }

    [Fact]
    public void Without_the_sidecars_attributes_as_from_daprd_the_reason_is_empty_and_attempts_zero()
    {
        var arrival = DeadLetterArrival.Parse("""{"id":"a","topic":"t","datacontenttype":"text/plain","data":"plain text"}"""u8, out _);

        Assert.Equal(("", 0, "plain text"), (arrival!.Error, arrival.Attempts, arrival.Event.Data));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"topic":"t"}""", "no CloudEvent id")]
    [InlineData("""{"id":"a"}""", "no topic")]
    public void Something_unreadable_is_still_kept_under_a_hash_of_its_bytes_on_no_topic(string body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Null(DeadLetterArrival.Parse(bytes, out var problem));
        Assert.StartsWith(expected, problem);

        var kept = DeadLetterArrival.Unreadable(bytes, problem);
        Assert.Equal((DeadLetterArrival.UnknownTopic, body), (kept.Event.Topic, kept.Event.Data));
        Assert.StartsWith("unreadable-", kept.Event.EventId);
        Assert.Equal(kept.Event.EventId, DeadLetterArrival.Unreadable(bytes, problem).Event.EventId); // a redelivery is the same letter
    }

    [Fact]
    public void The_test_drill_is_off_by_default_and_refuses_to_start_outside_the_Testing_environment()
    {
        var set = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [EventDrill.Setting] = "/tmp/markers" }).Build();
        var none = new ConfigurationBuilder().Build();

        Assert.False(EventDrill.From(none, new Env("Production")).IsOn);
        foreach (var name in new[] { "Production", "Development", "Staging" })
            Assert.Contains("test switch", Assert.Throws<InvalidOperationException>(() => EventDrill.From(set, new Env(name))).Message);
        Assert.True(EventDrill.From(set, new Env("Testing")).IsOn);
    }

    [Fact]
    public void The_drill_refuses_only_events_holding_a_listed_marker_until_the_marker_is_removed()
    {
        var file = Path.GetTempFileName();
        try
        {
            var drill = EventDrill.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [EventDrill.Setting] = file }).Build(), new Env("Testing"));
            File.WriteAllLines(file, ["", "P-BROKEN"]);
            drill.ThrowIfFailing("""{"partNumber":"P-OK"}""");
            Assert.Equal("event", Assert.Throws<InvalidFieldException>(() => drill.ThrowIfFailing("""{"partNumber":"P-BROKEN"}""")).Field);
            File.WriteAllText(file, "");
            drill.ThrowIfFailing("""{"partNumber":"P-BROKEN"}""");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
