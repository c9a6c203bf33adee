using System.Text.Json;
using System.Text.Json.Serialization;
using Logistics.Doa.Domain;

namespace Logistics.Doa.Data;

/// <summary>A claim as the JSON document of its row (enums by name, so the document reads on its own).</summary>
public static class ClaimDocument
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Write(DoaClaim claim) => JsonSerializer.Serialize(claim.ToRecord(), Json);

    public static DoaClaim Read(string document) =>
        DoaClaim.Restore(JsonSerializer.Deserialize<DoaClaimRecord>(document, Json) ?? throw new InvalidOperationException("empty claim document"));
}
