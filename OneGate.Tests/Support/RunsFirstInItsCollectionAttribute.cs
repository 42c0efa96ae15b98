namespace OneGate.Tests.Support;

/// <summary>
/// The test class runs before the other classes of its collection (<see cref="AssemblyFixtureFramework"/>): for a
/// class whose checks cover the whole app, on an app whose other classes leave it changed (e.g. sessions cut).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsFirstInItsCollectionAttribute : Attribute;
