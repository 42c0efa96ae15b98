namespace OneGate.Tests;

/// <summary>
/// A second lane of tests on the shared app, run in parallel with <see cref="OneGateAppCollection"/>: tests that
/// work only with users, keys, charges and rows of their own — the regulator API's (whose key-command processes are
/// slow) and the top-ups' (whose provider scenarios wait seconds) — so the two lanes end at about the same time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneGateAppSecondLaneCollection : ICollectionFixture<OneGateAppFixture>
{
    public const string Name = "OneGate app, second lane";
}
