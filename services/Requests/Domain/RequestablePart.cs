namespace Logistics.Requests.Domain;

/// <summary>A catalogue part as the requests service knows it from inventory's events: what engineers can request.</summary>
public sealed record RequestablePart(string PartNumber, string Description, bool Serialized, string Unit, long CatalogueVersion, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// Catalogue events may arrive out of order (redelivery, retries): a copy only replaces one built
    /// from an older catalogue version.
    /// </summary>
    public static bool Replaces(RequestablePart? current, RequestablePart incoming) =>
        current is null || incoming.CatalogueVersion > current.CatalogueVersion;
}
