using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Admin.V1;
using Logistics.Custody.V1;
using Logistics.Doa.V1;
using Logistics.Inventory.V1;
using Logistics.Receipts.V1;
using Logistics.Requests.V1;
using Logistics.Returns.V1;
using Logistics.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace Logistics.Web.Gateway;

/// <summary>
/// The services, reached through the gateway's gRPC port with the signed-in user's token. One channel for the app;
/// the clients are generated from the same protos the services serve, so a changed API breaks the build, not a screen.
/// </summary>
public sealed class GatewayApi(GrpcChannel channel, AuthenticationStateProvider auth, TimeProvider clock)
{
    private Session? _session;

    public PartRequestsService.PartRequestsServiceClient Requests { get; } = new(channel);
    public ReturnsService.ReturnsServiceClient Returns { get; } = new(channel);
    public ReceiptsService.ReceiptsServiceClient Receipts { get; } = new(channel);
    public InventoryService.InventoryServiceClient Inventory { get; } = new(channel);
    public CustodyService.CustodyServiceClient Custody { get; } = new(channel);
    public StockCountService.StockCountServiceClient Counts { get; } = new(channel);
    public DoaClaimsService.DoaClaimsServiceClient Doa { get; } = new(channel);
    public DispositionService.DispositionServiceClient Dispositions { get; } = new(channel);
    public TransferService.TransferServiceClient Transfers { get; } = new(channel);
    public ReplenishmentService.ReplenishmentServiceClient Replenishment { get; } = new(channel);
    public DeadLettersService.DeadLettersServiceClient DeadLetters { get; } = new(channel);

    /// <summary>The services that keep dead letters; each serves the same API, so a call names its service (metadata).</summary>
    public static readonly string[] DeadLetterServices = ["requests", "receipts", "returns", "inventory", "doa", "custody"];

    /// <summary>Routes a dead-letters call to <paramref name="service"/> at the gateway (it matches this metadata).</summary>
    public static CallOptions ToService(CallOptions options, string service)
    {
        options.Headers!.Add("logistics-service", service);
        return options;
    }

    public async Task<Session> SessionAsync()
    {
        if (_session is not null) return _session;
        var state = await auth.GetAuthenticationStateAsync();
        return _session = Session.From(state.User) ?? throw new InvalidOperationException("no signed-in user");
    }

    /// <summary>Options for a read: the user's token.</summary>
    public async Task<CallOptions> ReadAsync() =>
        new(new Metadata { { "authorization", "Bearer " + (await SessionAsync()).Token } }, deadline: clock.GetUtcNow().UtcDateTime.AddSeconds(15));

    /// <summary>Options for a command: the token and a new idempotency key (one per press of the button).</summary>
    public async Task<CallOptions> WriteAsync()
    {
        var options = await ReadAsync();
        options.Headers!.Add("idempotency-key", "web-" + Guid.NewGuid().ToString("N"));
        return options;
    }
}

/// <summary>A refused call, split into the field it names (if any) and the service's message.</summary>
public sealed partial record Refusal(string? Field, string Message)
{
    public static Refusal From(RpcException e)
    {
        var detail = e.Status.Detail;
        var match = FieldPrefix().Match(detail);
        return match.Success ? new Refusal(match.Groups[1].Value, detail) : new Refusal(null, detail);
    }

    /// <summary>The message without the field's code name in front: what shows next to the field, whose label names it.</summary>
    public string Reason => Field is null ? Message : Message[(Field.Length + 2)..];

    /// <summary>
    /// The field's code name as words, for the summary above the form ("fault_tag.serial" → "Fault tag › serial",
    /// "serials[0]" → "Serials 1"); null when the refusal names no field.
    /// </summary>
    public string? FieldWords => Field is null ? null : Capitalised(string.Join(" › ", Field.Split('.').Select(Words)));

    private static readonly HashSet<string> Acronyms = ["esd", "id", "doa", "rtv"];

    private static string Words(string segment) => string.Join(' ',
        Index().Replace(segment, m => "_" + (int.Parse(m.Groups[1].Value) + 1)).Split('_').Select(w => Acronyms.Contains(w) ? w.ToUpperInvariant() : w));

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Index();

    // "fault_tag.serial: 'X' does not match ...", "packaging.sealed_with: ...", "serials[0]: ..."
    [GeneratedRegex(@"^([a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)*): ")]
    private static partial Regex FieldPrefix();
}

public static class GatewayApiRegistration
{
    public static IServiceCollection AddGatewayApi(this IServiceCollection services, WebSettings settings)
    {
        // An answer may carry a whole evidence file (10 MiB): more than gRPC's 4 MB default.
        services.AddSingleton(GrpcChannel.ForAddress(settings.GatewayGrpc, new GrpcChannelOptions { MaxReceiveMessageSize = 11 * 1024 * 1024 }));
        services.AddScoped<GatewayApi>();
        return services;
    }
}
