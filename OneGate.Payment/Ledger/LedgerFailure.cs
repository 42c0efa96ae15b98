namespace OneGate.Payment.Ledger;

/// <summary>Why the ledger refused a movement; nothing was changed.</summary>
public enum LedgerFailure
{
    None,
    AccountNotActive,
    InsufficientFunds,
    BalanceLimitExceeded,
}
