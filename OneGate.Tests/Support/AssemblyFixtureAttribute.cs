namespace OneGate.Tests.Support;

/// <summary>
/// One instance of the fixture for the whole test run, shared by every collection that declares it as its collection
/// fixture (<see cref="AssemblyFixtureFramework"/>): those collections can then run in parallel on one app.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class AssemblyFixtureAttribute(Type fixtureType) : Attribute
{
    public Type FixtureType { get; } = fixtureType;
}
