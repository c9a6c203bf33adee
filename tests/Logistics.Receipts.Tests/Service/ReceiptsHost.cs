using Logistics.Testing;

namespace Logistics.Receipts.Tests.Service;

/// <summary>The receipts service hosted in-process on its own Postgres, shared by the service-tier test classes.</summary>
public sealed class ReceiptsHost() : ServiceFixture(ReceiptsApp.Build, typeof(ReceiptsApp), "Receipts", "receipts");

[CollectionDefinition(Name)]
public sealed class ReceiptsServiceCollection : ICollectionFixture<ReceiptsHost>
{
    public const string Name = "receipts service";
}
