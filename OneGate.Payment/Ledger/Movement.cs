namespace OneGate.Payment.Ledger;

/// <summary>One applied balance change: the balance after it and the account's movement number.</summary>
public sealed record Movement(decimal BalanceAfter, long LedgerSequence);
