using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// The rules every balance change obeys: only an ACTIVE account moves money, a balance never goes negative, and a
/// credit keeps the balance plus the headroom held for PENDING top-ups within the cap. A settled top-up releases
/// its own headroom (<c>released</c>) as it is credited.
/// </summary>
public static class BalanceRules
{
    /// <summary>Null when the change is allowed, else why not (the account's state first, then the direction's rule).</summary>
    public static Refusal? Check(AccountStatus status, decimal balance, decimal pendingTopUps, decimal delta, decimal cap, decimal released = 0) =>
        status != AccountStatus.Active ? Refusal.AccountNotActive
        : balance + delta < 0 ? Refusal.InsufficientFunds
        : delta > 0 && balance + pendingTopUps - released + delta > cap ? Refusal.BalanceLimitExceeded
        : null;

    /// <summary>Why a change was refused, once it is known that it was (the database's conditional update matched no row).</summary>
    public static Refusal WhyRefused(AccountStatus status, decimal delta) =>
        status != AccountStatus.Active ? Refusal.AccountNotActive : delta < 0 ? Refusal.InsufficientFunds : Refusal.BalanceLimitExceeded;
}
