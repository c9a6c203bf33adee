using Google.Protobuf.WellKnownTypes;
using Logistics.Events.V1;
using Logistics.Inventory.Domain;

namespace Logistics.Inventory.Events;

/// <summary>The integration events inventory publishes about its catalogue.</summary>
public static class CatalogueEvents
{
    public static PartCatalogued PartCatalogued(CataloguePart part) => new()
    {
        PartNumber = part.PartNumber,
        Description = part.Description,
        Serialized = part.Serialized,
        Unit = part.Unit,
        Supplier = part.Supplier,
        Version = part.Version,
        OccurredAt = Timestamp.FromDateTimeOffset(part.UpdatedAt),
    };

    public static CentreDefined CentreDefined(SparePartCentre centre) => new()
    {
        CentreId = centre.CentreId,
        Name = centre.Name,
        Bins = { centre.Bins },
        Version = centre.Version,
        OccurredAt = Timestamp.FromDateTimeOffset(centre.UpdatedAt),
        TimeZone = centre.TimeZone,
        CalendarId = centre.CalendarId,
    };
}
