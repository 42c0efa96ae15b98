using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;

namespace OneGate.Payment.Ledger;

/// <summary>
/// Changes an account's status inside the caller's transaction (commit is the caller's, after it recorded the audit
/// event). The account row is locked first (<c>FOR UPDATE</c>), the lock every money movement takes or waits for:
/// a transfer credited before the lock makes the balance non-zero and close is refused; one waiting behind it
/// re-reads the row after commit, finds it not ACTIVE and is refused (423). No interleaving closes an account
/// with money in it.
/// </summary>
public sealed class AccountStatusChanges(PaymentDbContext db, TimeProvider time)
{
    public async Task<AccountStatusOutcome> ChangeAsync(Guid accountId, AccountStatusAction action, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A status change runs in the caller's transaction, with its audit event.");
        }

        var account = await db.Accounts.FromSqlInterpolated($"SELECT *, xmin FROM accounts WHERE id = {accountId} FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (account is null)
        {
            return new AccountStatusOutcome.NotFound();
        }

        var before = AccountSnapshot.Of(account);
        var (next, refusal) = AccountStatusRules.Decide(account.Status, account.Balance, action);
        if (next is not { } status)
        {
            return new AccountStatusOutcome.Refused(refusal!.Value, before);
        }

        await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.UpdatedAt, time.GetUtcNow()), ct);
        return new AccountStatusOutcome.Changed(before, before with { Status = status });
    }
}
