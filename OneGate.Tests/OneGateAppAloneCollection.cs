namespace OneGate.Tests;

/// <summary>
/// Tests of the shared app that stop, lock or break a part of it that every test uses (Redis, a replica, the outbox
/// relay, the consumer's database, the provider, the token table), or that need it quiet (nothing else writing):
/// run alone, after the parallel lanes have ended.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OneGateAppAloneCollection : ICollectionFixture<OneGateAppFixture>
{
    public const string Name = "OneGate app, alone";
}
