namespace OneGate.Tests.Support;

/// <summary>
/// On a collection definition that disables parallelization: its own fixtures (e.g. an app of its own) start as soon
/// as the parallel collections have ended, beside the collections that run alone before it, instead of after them
/// (<see cref="AssemblyFixtureFramework"/>), so its tests do not wait for the start. For a fixture whose start is
/// mostly waiting for processes, beside collections that leave a core free most of the time.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StartsItsFixtureEarlyAttribute : Attribute;
