using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;

namespace OneGate.Payment.Accounts;

/// <summary>Accounts are opened on first use: 0.00 IDR, ACTIVE, one per user.</summary>
public static class AccountOpening
{
    public static async Task<Account> OpenOrGetAsync(PaymentDbContext db, int userId, CancellationToken cancellationToken)
    {
        if (await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken) is { } existing)
        {
            return existing;
        }

        // Idempotent under concurrency: the unique user_id decides, no read-then-insert race.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO accounts (user_id) VALUES ({userId}) ON CONFLICT (user_id) DO NOTHING", cancellationToken);
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.UserId == userId, cancellationToken);
    }
}
