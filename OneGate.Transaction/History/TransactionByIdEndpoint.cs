using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneGate.ServiceDefaults.Auth;
using OneGate.Transaction.Data;

namespace OneGate.Transaction.History;

public static class TransactionByIdEndpoint
{
    public static RouteGroupBuilder MapTransactionById(this RouteGroupBuilder group)
    {
        group.MapGet("/{transactionId}", GetTransaction)
            .WithName("GetTransaction")
            .WithSummary("One of the caller's transactions")
            .WithDescription("Another user's transaction id answers 404 exactly like an unknown one.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<TransactionResponse>, ProblemHttpResult>> GetTransaction(
        string transactionId, HttpContext http, TransactionDbContext db, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        var row = transactionId.Length > 50
            ? null
            : await db.HistoricalTransactions.SingleOrDefaultAsync(t => t.TransactionId == transactionId && t.UserId == userId, cancellationToken);
        return row is null
            ? Problems.Of(StatusCodes.Status404NotFound, "TRANSACTION_NOT_FOUND", "Transaction not found", "No transaction with that id belongs to you.")
            : TypedResults.Ok(TransactionResponse.From(row));
    }
}
