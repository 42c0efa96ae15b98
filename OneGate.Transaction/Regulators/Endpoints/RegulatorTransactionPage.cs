namespace OneGate.Transaction.Regulators.Endpoints;

/// <summary>One page of regulator transactions, newest first.</summary>
public sealed record RegulatorTransactionPage(IReadOnlyList<RegulatorTransaction> Items, string? NextCursor);
