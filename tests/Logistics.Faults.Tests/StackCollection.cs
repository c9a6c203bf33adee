using Logistics.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // one stack at a time on two cores

namespace Logistics.Faults.Tests;

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<TestStack>
{
    public const string Name = "local stack under faults";
}
