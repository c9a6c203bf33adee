using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace Logistics.Web.Components.Shared;

/// <summary>
/// An <see cref="InputFile"/> that says when the browser has wired it to the circuit (its first render's set-up call
/// has been answered). A file chosen before that is dropped without a word, so a page keeps the input disabled until
/// <see cref="Wired"/> fires; on a slow connection or a busy server that can take seconds.
/// </summary>
public sealed class WiredInputFile : InputFile
{
    [Parameter] public EventCallback Wired { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        await base.OnAfterRenderAsync(firstRender);
        if (firstRender) await Wired.InvokeAsync();
    }
}
