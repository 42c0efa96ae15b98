using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;
using OneGate.Payment.Transactions;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Admin;

/// <summary>Operators find an account (any reading role) and change its status (OPERATIONS, with a reason, audited).</summary>
public static class AccountAdminEndpoints
{
    private const int RecentTransactions = 20;

    public static RouteGroupBuilder MapAccountAdmin(this RouteGroupBuilder group)
    {
        group.MapGet("/accounts/{accountId:guid}", GetById)
            .WithName("AdminGetAccount")
            .WithSummary("An account: balance, headroom held for PENDING top-ups, status, latest transactions")
            .RequireOperator(OperatorPolicies.Support)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/users/{userId:int}/account", GetByUser)
            .WithName("AdminGetUserAccount")
            .WithSummary("A user's account, as GET /api/admin/accounts/{accountId}")
            .RequireOperator(OperatorPolicies.Support)
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapStatusAction(group, "suspend", AccountStatusAction.Suspend, "Suspend an account: it moves no money (423) until reactivated");
        MapStatusAction(group, "reactivate", AccountStatusAction.Reactivate, "Reactivate a suspended account");
        MapStatusAction(group, "close", AccountStatusAction.Close, "Close an account at 0.00 (final: a closed account never reopens)");
        return group;
    }

    private static void MapStatusAction(RouteGroupBuilder group, string verb, AccountStatusAction action, string summary) =>
        group.MapPost($"/accounts/{{accountId:guid}}/{verb}",
                (Guid accountId, ActionReason body, HttpContext http, PaymentDbContext db, AccountStatusChanges changes, AdminAudit audit, CancellationToken ct) =>
                    ChangeStatus(accountId, action, body, db, changes, audit, ct))
            .WithName($"AdminAccount{action}")
            .WithSummary(summary)
            .RequireOperator(OperatorPolicies.Operations)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<AdminAccountResponse>, ProblemHttpResult>> GetById(Guid accountId, PaymentDbContext db, AdminAudit audit,
        CancellationToken ct) =>
        await ViewAsync(db, audit, db.Accounts.Where(a => a.Id == accountId), ct);

    private static async Task<Results<Ok<AdminAccountResponse>, ProblemHttpResult>> GetByUser(int userId, PaymentDbContext db, AdminAudit audit,
        CancellationToken ct) =>
        await ViewAsync(db, audit, db.Accounts.Where(a => a.UserId == userId), ct);

    private static async Task<Results<Ok<AdminAccountResponse>, ProblemHttpResult>> ViewAsync(PaymentDbContext db, AdminAudit audit, IQueryable<Account> query,
        CancellationToken ct)
    {
        var account = await query.AsNoTracking().SingleOrDefaultAsync(ct);
        if (account is null)
        {
            return NotFound();
        }

        await audit.RecordViewAsync(AdminAuditActions.AccountView, "account", account.Id.ToString(), ct);
        // By the holder (one account per user): ix_historical_transactions_user_id_created_at_id serves it.
        var recent = await db.HistoricalTransactions.AsNoTracking().Where(t => t.UserId == account.UserId)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(RecentTransactions).ToListAsync(ct);
        return TypedResults.Ok(new AdminAccountResponse(account.Id, account.UserId, account.Balance, account.PendingTopUps, account.Currency,
            account.Status, account.CreatedAt, account.UpdatedAt, [.. recent.Select(TransactionResponse.From)]));
    }

    private static async Task<Results<Ok<AccountSnapshot>, ValidationProblem, ProblemHttpResult>> ChangeStatus(Guid accountId, AccountStatusAction action,
        ActionReason body, PaymentDbContext db, AccountStatusChanges changes, AdminAudit audit, CancellationToken ct)
    {
        var (reason, errors) = ActionReason.Check(body?.Reason, "reason");
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var outcome = await changes.ChangeAsync(accountId, action, ct);
        if (outcome is not AccountStatusOutcome.Changed changed)
        {
            return outcome is AccountStatusOutcome.Refused refused ? Refused(refused) : NotFound();
        }

        await audit.RecordAsync(AuditAction(action), OperatorRoles.Operations, "account", accountId.ToString(), changed.Before, changed.After, reason!, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(changed.After);
    }

    private static string AuditAction(AccountStatusAction action) => action switch
    {
        AccountStatusAction.Suspend => AdminAuditActions.AccountSuspend,
        AccountStatusAction.Reactivate => AdminAuditActions.AccountReactivate,
        _ => AdminAuditActions.AccountClose,
    };

    private static ProblemHttpResult NotFound() =>
        Problems.Of(StatusCodes.Status404NotFound, "ACCOUNT_NOT_FOUND", "Account not found", "No account with that id (accounts open on a user's first use).");

    private static ProblemHttpResult Refused(AccountStatusOutcome.Refused refused) => refused.Reason switch
    {
        StatusRefusal.AccountClosed => Problems.Of(StatusCodes.Status409Conflict, "ACCOUNT_CLOSED", "Account closed",
            "A closed account never changes status again."),
        StatusRefusal.AccountStatusUnchanged => Problems.Of(StatusCodes.Status409Conflict, "ACCOUNT_STATUS_UNCHANGED", "Status unchanged",
            $"The account is {refused.Current.Status.ToString().ToUpperInvariant()} already."),
        _ => Problems.Of(StatusCodes.Status409Conflict, "BALANCE_NOT_ZERO", "Balance not zero",
            $"Only an account at 0.00 can close; this one holds {refused.Current.Balance:0.00}. The user must spend or move it first.",
            new Dictionary<string, object?> { ["balance"] = refused.Current.Balance }),
    };
}
