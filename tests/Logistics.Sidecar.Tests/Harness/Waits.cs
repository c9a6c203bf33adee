using Logistics.Testing;

namespace Logistics.Sidecar.Tests.Harness;

/// <summary>Polling waits whose failures carry the sidecars' logs (the first thing to read when one fails).</summary>
public static class Waits
{
    public static async Task<IReadOnlyList<Delivery>> ForDeliveriesAsync(TestSubscriber subscriber, string topic, int count, params SidecarProcess[] sidecars)
    {
        try
        {
            return await Eventually.Until(() => Task.FromResult(subscriber.DeliveriesOf(topic)), d => d.Count >= count,
                SidecarEnvironment.WaitTimeout, $"{count} deliveries on {topic}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + Logs(sidecars), e);
        }
    }

    /// <summary>Asserts no further delivery on the topic during the quiet window (longer than processingTimeout).</summary>
    public static async Task NoMoreDeliveriesAsync(TestSubscriber subscriber, string topic, int expected, params SidecarProcess[] sidecars)
    {
        try
        {
            await Eventually.Never(() => Task.FromResult(subscriber.DeliveriesOf(topic).Count > expected),
                SidecarEnvironment.QuietWindow, $"more than {expected} deliveries on {topic}");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(e.Message + Logs(sidecars), e);
        }
    }

    public static async Task UntilAcknowledgedAsync(SidecarEnvironment env, string topic, string appId, params SidecarProcess[] sidecars)
    {
        try
        {
            await Eventually.Until(async () => await env.PendingAsync(topic, appId) == 0, SidecarEnvironment.WaitTimeout,
                $"no pending entries on {topic} for group {appId}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + Logs(sidecars), e);
        }
    }

    private static string Logs(SidecarProcess[] sidecars) =>
        string.Concat(sidecars.Select(s => $"\n--- sidecar {s.AppId} ---\n{s.Process.LogTail(60)}"));
}
