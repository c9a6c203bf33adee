using Logistics.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // one stack at a time on two cores

namespace Logistics.Security.Tests;

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<TestStack>
{
    public const string Name = "local stack";
}
