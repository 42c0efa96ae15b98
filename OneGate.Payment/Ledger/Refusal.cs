namespace OneGate.Payment.Ledger;

/// <summary>
/// Why the ledger refused a money request; nothing was changed. The member names are the problem codes in
/// UPPER_SNAKE form (a cancelled top-up records them as its reason too).
/// </summary>
public enum Refusal
{
    AccountNotActive,
    InsufficientFunds,
    BalanceLimitExceeded,
    RecipientNotFound,
    SelfTransfer,
    TransactionNotFound,
    NotRefundable,
    RefundExceedsPayment,
}
