using Logistics.Testing;

namespace Logistics.Doa.Tests.Service;

/// <summary>The DOA service hosted in-process on its own Postgres, shared by the service-tier test classes.</summary>
public sealed class DoaHost() : ServiceFixture(DoaApp.Build, typeof(DoaApp), "Doa", "doa");

[CollectionDefinition(Name)]
public sealed class DoaServiceCollection : ICollectionFixture<DoaHost>
{
    public const string Name = "doa service";
}
