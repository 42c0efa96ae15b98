namespace OneGate.Payment.Ledger;

/// <summary>Why a status change was refused; nothing was changed. Member names are the problem codes in UPPER_SNAKE form.</summary>
public enum StatusRefusal
{
    /// <summary>A closed account never changes again (no reopening: the user gets a new account only as a new user).</summary>
    AccountClosed,

    /// <summary>The account already has the status the action leads to.</summary>
    AccountStatusUnchanged,

    /// <summary>Only an account at 0.00 may close: its money must leave through the user first.</summary>
    BalanceNotZero,
}
