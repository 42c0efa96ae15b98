using OneGate.Tests.Support;

namespace OneGate.Tests;

/// <summary>
/// An app of its own for the tests that break what the shared app's later tests would meet: the chaos run (kills
/// and restarts parts of it, and checks the whole ledger, so it runs first) and the tests that terminate the
/// services' database sessions (Regulators/AccessLogFaultTests, Hostile/DatabaseConnectionLossTests). One boot for
/// all three. The shared fixture's model and short clocks, plus:
/// <list type="bullet">
/// <item>Payment gives up on top-ups the provider never heard of after <see cref="ReconciliationWindow"/> (a charge
/// refused during the sandbox's failure window), so the chaos run's "no PENDING top-up older than the
/// reconciliation window" is judged in seconds.</item>
/// <item>Transaction writes access logs in batches of 4, so a cut lands in every phase of a write, and queues at
/// most <see cref="QueueCapacity"/> entries per replica, a queue quick to fill.</item>
/// </list>
/// </summary>
public sealed class FaultsApp : OneGateAppFixture
{
    /// <summary>Reconciliation: PENDING for 3 s → ask the provider (every 1 s); unknown there for 15 s → FAILED.</summary>
    public static readonly TimeSpan ReconciliationWindow = TimeSpan.FromSeconds(15);

    public const int QueueCapacity = 300;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        Project(builder, "payment").WithEnvironment("Payment__Reconciliation__GiveUpAfter", "00:00:15");
        Project(builder, "transaction")
            .WithEnvironment("Regulators__AccessLogBatchSize", "4")
            .WithEnvironment("Regulators__AccessLogCapacity", QueueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Runs after the parallel collections, beside the shared app's alone collection (mostly waiting for restarts, locks
/// held, Prometheus and background loops): the two apps share only the cores. Never beside the lanes: two apps serving
/// busy tests at once starve 2 cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[RunsBesideTheAloneCollection]
public sealed class FaultsAppCollection : ICollectionFixture<FaultsApp>
{
    public const string Name = "Faults app";
}
