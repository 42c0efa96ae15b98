namespace OneGate.Tests.Support;

/// <summary>
/// On a collection definition that disables parallelization and has an app of its own: the whole collection (its
/// app's start, then its tests) runs as soon as the parallel collections have ended, beside the collection that runs
/// alone before it, instead of after it (<see cref="AssemblyFixtureFramework"/>). The two apps share nothing but the
/// cores, and the alone collection is mostly waiting (restarts, locks held, background loops).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsBesideTheAloneCollectionAttribute : Attribute;
