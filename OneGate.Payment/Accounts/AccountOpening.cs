using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneGate.Payment.Data;

namespace OneGate.Payment.Accounts;

/// <summary>Accounts are opened on first use: 0.00 IDR, ACTIVE (column defaults), one per user.</summary>
public static class AccountOpening
{
    // Idempotent under concurrency: the unique user_id decides, no read-then-insert race.
    private const string OpenSql = "INSERT INTO accounts (user_id) VALUES (@user_id) ON CONFLICT (user_id) DO NOTHING";

    /// <summary>Opens the account if it is new, as one statement of a batch (the ledger's money batches).</summary>
    public static NpgsqlBatchCommand Command(int userId) => new(OpenSql) { Parameters = { UserIdParameter(userId) } };

    public static async Task<Account> OpenOrGetAsync(PaymentDbContext db, int userId, CancellationToken cancellationToken)
    {
        if (await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken) is { } existing)
        {
            return existing;
        }

        await db.Database.ExecuteSqlRawAsync(OpenSql, [UserIdParameter(userId)], cancellationToken);
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.UserId == userId, cancellationToken);
    }

    // Named, because EF's raw SQL passes parameters by name; Npgsql binds the same name in a batch.
    private static NpgsqlParameter<int> UserIdParameter(int userId) => new("user_id", userId);
}
