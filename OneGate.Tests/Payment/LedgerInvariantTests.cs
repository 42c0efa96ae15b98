namespace OneGate.Tests.Payment;

/// <summary>The ledger's invariants on the app's Payment service (posting engine, the default).</summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class LedgerInvariantTests(OneGateAppFixture fixture) : LedgerInvariants(fixture, fixture.CreateClient("payment"));
