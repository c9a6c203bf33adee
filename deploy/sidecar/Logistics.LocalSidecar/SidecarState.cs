using Logistics.LocalSidecar.Delivery;

namespace Logistics.LocalSidecar;

/// <summary>
/// Readiness as daprd reports it: /v1.0/healthz/outbound once the components are up (the app may publish),
/// /v1.0/healthz once the app was discovered and its subscriptions are running as well.
/// </summary>
public sealed class SidecarState
{
    private volatile bool _outboundReady;
    private volatile bool _ready;
    private volatile IReadOnlyList<Subscription> _subscriptions = [];

    public bool OutboundReady => _outboundReady;
    public bool Ready => _ready;
    public IReadOnlyList<Subscription> Subscriptions => _subscriptions;

    public void MarkOutboundReady() => _outboundReady = true;

    public void MarkReady(IReadOnlyList<Subscription> subscriptions)
    {
        _subscriptions = subscriptions;
        _ready = true;
    }
}
