using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using OneGate.Payment.Data;

namespace OneGate.Payment.Accounts;

/// <summary>Accounts are opened on first use: 0.00 IDR, ACTIVE (column defaults), one per user.</summary>
public static class AccountOpening
{
    // Idempotent under concurrency: the unique user_id decides, no read-then-insert race.
    private const string OpenSql = "INSERT INTO accounts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING";

    /// <summary>Opens the account if it is new, as one statement of a batch (the ledger's money batches).</summary>
    public static NpgsqlBatchCommand Command(int userId) => new(OpenSql) { Parameters = { UserIdParameter(userId) } };

    public static async Task<Account> OpenOrGetAsync(PaymentDbContext db, int userId, CancellationToken cancellationToken)
    {
        if (await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken) is { } existing)
        {
            return existing;
        }

        // The same statement as the ledger's batches, on EF's connection (and its transaction, if any).
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(OpenSql, (NpgsqlConnection)db.Database.GetDbConnection(),
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()) { Parameters = { UserIdParameter(userId) } };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return await db.Accounts.AsNoTracking().SingleAsync(a => a.UserId == userId, cancellationToken);
    }

    private static NpgsqlParameter<int> UserIdParameter(int userId) => new() { TypedValue = userId };
}
