using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>An account as it stood while locked: what a status change's audit row records before and after.</summary>
public sealed record AccountSnapshot(Guid AccountId, int UserId, AccountStatus Status, decimal Balance, decimal PendingTopUps)
{
    public static AccountSnapshot Of(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Id, account.UserId, account.Status, account.Balance, account.PendingTopUps);
    }
}
