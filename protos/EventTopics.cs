namespace Logistics.Events.V1;

/// <summary>The pub/sub topic of each integration event, named once for publishers and subscribers.</summary>
public static class EventTopics
{
    public const string PartCatalogued = "part-catalogued";
}
