using Logistics.Testing;

namespace Logistics.Returns.Tests.Service;

/// <summary>The returns service hosted in-process on its own Postgres, shared by the service-tier test classes.</summary>
public sealed class ReturnsHost() : ServiceFixture(ReturnsApp.Build, typeof(ReturnsApp), "Returns", "returns");

[CollectionDefinition(Name)]
public sealed class ReturnsServiceCollection : ICollectionFixture<ReturnsHost>
{
    public const string Name = "returns service";
}
