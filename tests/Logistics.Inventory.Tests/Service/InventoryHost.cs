using Logistics.Testing;

namespace Logistics.Inventory.Tests.Service;

/// <summary>The inventory service hosted in-process on its own Postgres and Redis, shared by the service-tier test classes.</summary>
public sealed class InventoryHost() : ServiceFixture(InventoryApp.Build, typeof(InventoryApp), "Inventory", "inventory", redis: true);

[CollectionDefinition(Name)]
public sealed class InventoryServiceCollection : ICollectionFixture<InventoryHost>
{
    public const string Name = "inventory service";
}
