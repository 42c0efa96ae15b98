namespace OneGate.Tests.Chaos;

/// <summary>
/// An app of the chaos run's own (it kills and restarts parts of it): the shared fixture's model and short
/// clocks, plus a short give-up time for top-ups the provider never heard of (a charge refused during the
/// sandbox's failure window), so "no PENDING top-up older than the reconciliation window" is judged in seconds.
/// </summary>
public sealed class ChaosAppFixture : OneGateAppFixture
{
    /// <summary>Reconciliation: PENDING for 3 s → ask the provider (every 1 s); unknown there for 15 s → FAILED.</summary>
    public static readonly TimeSpan ReconciliationWindow = TimeSpan.FromSeconds(15);

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        Project(builder, "payment").WithEnvironment("Payment__Reconciliation__GiveUpAfter", "00:00:15");
}

/// <summary>Runs alone, after the parallel collections: two apps at once would starve each other on 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection : ICollectionFixture<ChaosAppFixture>
{
    public const string Name = "Chaos";
}
