using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.ServiceDefaults.Auth;

namespace OneGate.Payment.Transactions;

public static class TransactionByIdEndpoint
{
    public static RouteGroupBuilder MapTransactionById(this RouteGroupBuilder group)
    {
        group.MapGet("/transactions/{transactionId}", Get)
            .WithName("GetPaymentTransaction")
            .WithSummary("One of the caller's transactions (another user's id is 404, like an unknown one)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> Get(string transactionId, HttpContext http, PaymentDbContext db, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var row = transactionId.Length > 50 ? null
            : await db.HistoricalTransactions.AsNoTracking().SingleOrDefaultAsync(t => t.TransactionId == transactionId && t.UserId == userId, ct);
        return row is null
            ? Problems.Of(StatusCodes.Status404NotFound, "TRANSACTION_NOT_FOUND", "Transaction not found", "No transaction with that id belongs to you.")
            : TypedResults.Ok(TransactionResponse.From(row));
    }
}
