using Grpc.Core;
using Logistics.Web.Gateway;
using Logistics.Web.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Logistics.Web.Components.Shared;

/// <summary>The last refusal of a form: shown in a summary at the top and next to the field it names.</summary>
public sealed class FormErrors
{
    // Each page makes its FormErrors as a plain field, out of the container's reach: the console's own resources, read
    // (like every page's) in the circuit's culture.
    private static readonly IStringLocalizer Words =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(Text));

    public Refusal? Last { get; private set; }

    public void Clear() => Last = null;

    public void Refused(RpcException e) => Last = Refusal.From(e);

    /// <summary>
    /// What is wrong, if the refusal names one of <paramref name="fields"/> (or a field under one of them): shown next to
    /// that field, so without its code name (the field's label says which it is), in the reader's language where the
    /// reason is one of the shared checks' (<see cref="RefusalWords"/>).
    /// </summary>
    public string? For(params string[] fields) =>
        Last?.Field is { } field && fields.Any(f => field == f || field.StartsWith(f + ".", StringComparison.Ordinal) || field.StartsWith(f + "[", StringComparison.Ordinal))
            ? Words.Say(Last.Reason)
            : null;

    public bool Has(params string[] fields) => For(fields) is not null;
}
