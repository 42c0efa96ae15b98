namespace OneGate.Tests;

/// <summary>
/// A second lane of tests on the shared app, run in parallel with <see cref="OneGateAppCollection"/>: tests that
/// work only with users, keys and rows of their own (the regulator API's, whose key-command processes are slow).
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneGateAppSecondLaneCollection : ICollectionFixture<OneGateAppFixture>
{
    public const string Name = "OneGate app, second lane";
}
