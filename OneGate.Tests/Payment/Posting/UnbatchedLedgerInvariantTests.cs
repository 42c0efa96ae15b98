namespace OneGate.Tests.Payment.Posting;

/// <summary>
/// The ledger's invariants on a Payment replica with <c>Payment:Posting:Batched=false</c> (one transaction per
/// request), sharing the app's database with the engine's replica.
/// </summary>
[Collection(OneGateAppAloneCollection.Name)]
public sealed class UnbatchedLedgerInvariantTests(OneGateAppFixture fixture, UnbatchedPayment replica)
    : LedgerInvariants(fixture, replica.CreateClient(fixture)), IClassFixture<UnbatchedPayment>;
