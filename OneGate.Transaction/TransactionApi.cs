using OneGate.Transaction.History;

namespace OneGate.Transaction;

public static class TransactionApi
{
    public static IEndpointRouteBuilder MapTransactionApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/transactions")
            .WithTags("Transactions")
            .RequireAuthorization()
            .MapHistory()
            .MapSummary()
            .MapTransactionById();
        return app;
    }
}
