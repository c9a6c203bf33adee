using Logistics.Web.Gateway;
using Logistics.Web.Live;
using Logistics.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Logistics.Web.Components.Shared;

/// <summary>A page that reads through the API and reads again when an event about what it shows arrives.</summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    [Inject] protected GatewayApi Api { get; set; } = default!;
    [Inject] protected LiveUpdates Live { get; set; } = default!;
    [Inject] protected UserClock Clock { get; set; } = default!;
    [Inject] protected IStringLocalizer<Text> L { get; set; } = default!;
    [Inject] protected NavigationManager Nav { get; set; } = default!;

    private IDisposable? _watch;

    /// <summary>Reads what the page shows; called at start and on every notification.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Why the first read was refused (a token without centres, a centre not the user's), shown on the page.</summary>
    protected FormErrors LoadErrors { get; } = new();

    /// <summary>
    /// The first read: a refusal is said on the page (<see cref="LoadErrors"/>) instead of escaping, which would end the
    /// page's connection and leave the person an empty, frozen page.
    /// </summary>
    protected async Task FirstLoadAsync()
    {
        try
        {
            await LoadAsync();
            LoadErrors.Clear();
        }
        catch (Grpc.Core.RpcException e) { LoadErrors.Refused(e); }
    }

    protected void Watch(params string[] keys)
    {
        _watch?.Dispose();
        _watch = Live.Watch(keys, () => InvokeAsync(ReloadAfterEventAsync));
    }

    private async Task ReloadAfterEventAsync()
    {
        // Some events reach the console before every service they concern has applied them (a receipt signed is the
        // receipts service's event; the request's Delivered follows from it): read now, and twice more shortly after.
        foreach (var delay in new[] { 0, 400, 1200 })
        {
            if (delay > 0) await Task.Delay(delay);
            try { await LoadAsync(); LoadErrors.Clear(); } catch (Grpc.Core.RpcException) { continue; }
            StateHasChanged();
        }
    }

    public virtual void Dispose()
    {
        _watch?.Dispose();
        GC.SuppressFinalize(this);
    }
}
