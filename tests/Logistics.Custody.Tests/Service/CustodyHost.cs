using Logistics.Testing;

namespace Logistics.Custody.Tests.Service;

/// <summary>The custody service hosted in-process on its own Postgres, shared by the service-tier test classes.</summary>
public sealed class CustodyHost() : ServiceFixture(CustodyApp.Build, typeof(CustodyApp), "Custody", "custody");

[CollectionDefinition(Name)]
public sealed class CustodyServiceCollection : ICollectionFixture<CustodyHost>
{
    public const string Name = "custody service";
}
