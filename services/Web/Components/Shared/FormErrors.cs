using Grpc.Core;
using Logistics.Web.Gateway;

namespace Logistics.Web.Components.Shared;

/// <summary>The last refusal of a form: shown in a summary at the top and next to the field it names.</summary>
public sealed class FormErrors
{
    public Refusal? Last { get; private set; }

    public void Clear() => Last = null;

    public void Refused(RpcException e) => Last = Refusal.From(e);

    /// <summary>
    /// What is wrong, if the refusal names one of <paramref name="fields"/> (or a field under one of them): shown next to
    /// that field, so without its code name (the field's label says which it is).
    /// </summary>
    public string? For(params string[] fields) =>
        Last?.Field is { } field && fields.Any(f => field == f || field.StartsWith(f + ".", StringComparison.Ordinal) || field.StartsWith(f + "[", StringComparison.Ordinal))
            ? Last.Reason
            : null;

    public bool Has(params string[] fields) => For(fields) is not null;
}
