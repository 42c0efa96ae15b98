namespace OneGate.Tests.Regulators;

/// <summary>
/// An app of its own for the tests that terminate the services' database sessions (a later test in the shared app
/// would meet the dead pooled ones): <see cref="AccessLogFaultTests"/> and
/// <see cref="Hostile.DatabaseConnectionLossTests"/>, one boot for both. Batches of 4 keep the access-log
/// writer busy under load, so a cut lands in every phase of a write; a queue of 300 entries per replica is quick to
/// fill.
/// </summary>
public sealed class AccessLogFaultsApp : OneGateAppFixture
{
    public const int QueueCapacity = 300;

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        Project(builder, "transaction")
            .WithEnvironment("Regulators__AccessLogBatchSize", "4")
            .WithEnvironment("Regulators__AccessLogCapacity", QueueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Runs alone, like the other apps of their own (two apps at once starve 2 cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AccessLogFaultsCollection : ICollectionFixture<AccessLogFaultsApp>
{
    public const string Name = "Access-log faults";
}
