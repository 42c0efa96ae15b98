using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Accounts;

public sealed record BalanceResponse(Guid AccountId, decimal Balance, string Currency, AccountStatus Status);

public static class BalanceEndpoint
{
    public static RouteGroupBuilder MapBalance(this RouteGroupBuilder group)
    {
        group.MapGet("/balance", GetBalance)
            .WithName("GetBalance")
            .WithSummary("The caller's balance; opens the account (0.00 IDR, ACTIVE) on first use");
        return group;
    }

    private static async Task<Ok<BalanceResponse>> GetBalance(HttpContext http, PaymentDbContext db, CancellationToken cancellationToken)
    {
        var account = await AccountOpening.OpenOrGetAsync(db, http.User.UserId(), cancellationToken);
        return TypedResults.Ok(new BalanceResponse(account.Id, account.Balance, account.Currency, account.Status));
    }
}
