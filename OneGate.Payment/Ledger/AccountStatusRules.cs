using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// Which status an action leads to. ACTIVE ⇄ SUSPENDED; ACTIVE or SUSPENDED → CLOSED only at a 0.00 balance; CLOSED is
/// final. PENDING top-ups do not block suspending or closing: the e-wallet's later answer finds the account not ACTIVE,
/// so money it took is refunded to the e-wallet (the top-up becomes CANCELLED, docs/topups.md), never stranded here.
/// </summary>
public static class AccountStatusRules
{
    /// <summary>The status the action leads to, or why it may not happen.</summary>
    public static (AccountStatus? Next, StatusRefusal? Refusal) Decide(AccountStatus current, decimal balance, AccountStatusAction action)
    {
        if (current == AccountStatus.Closed)
        {
            return (null, StatusRefusal.AccountClosed);
        }

        var next = action switch
        {
            AccountStatusAction.Suspend => AccountStatus.Suspended,
            AccountStatusAction.Reactivate => AccountStatus.Active,
            AccountStatusAction.Close => AccountStatus.Closed,
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        return next == current ? (null, StatusRefusal.AccountStatusUnchanged)
            : next == AccountStatus.Closed && balance != 0 ? (null, StatusRefusal.BalanceNotZero)
            : (next, null);
    }
}
