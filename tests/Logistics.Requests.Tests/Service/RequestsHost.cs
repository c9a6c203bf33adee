using Logistics.Testing;

namespace Logistics.Requests.Tests.Service;

/// <summary>The requests service hosted in-process on its own Postgres, shared by the service-tier test classes.</summary>
public sealed class RequestsHost() : ServiceFixture(RequestsApp.Build, typeof(RequestsApp), "Requests", "requests");

[CollectionDefinition(Name)]
public sealed class RequestsServiceCollection : ICollectionFixture<RequestsHost>
{
    public const string Name = "requests service";
}
