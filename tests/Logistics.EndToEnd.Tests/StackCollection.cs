using Logistics.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // one stack at a time on two cores

namespace Logistics.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<TestStack>
{
    public const string Name = "local stack";
}
