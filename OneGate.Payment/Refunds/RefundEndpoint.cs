using System.Text.RegularExpressions;
using OneGate.Payment.Ledger;
using OneGate.Payment.Money;

namespace OneGate.Payment.Refunds;

/// <param name="Amount">Defaults to what is still refundable.</param>
public sealed record RefundRequest(string? TransactionId, decimal? Amount = null, string? Reason = null);

public static partial class RefundEndpoint
{
    public static RouteGroupBuilder MapRefund(this RouteGroupBuilder group)
    {
        group.MapPost("/refund", Refund)
            .WithName("Refund")
            .WithSummary("Refund (part of) one of the caller's successful payments")
            .WithDescription(MoneyRequests.IdempotencyRules + "Refunds of one payment never total more than the payment: concurrent refunds " +
                             "are serialised on the payer's account. 404 TRANSACTION_NOT_FOUND; 422 REFUND_EXCEEDS_PAYMENT, NOT_REFUNDABLE.")
            .Produces<Transactions.TransactionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked);
        return group;
    }

    private static async Task<IResult> Refund(RefundRequest request, HttpContext http, MoneyRequests money, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        MoneyRules.Text(request.TransactionId, 50, errors, "transactionId", required: true);
        // Our ids are letters, digits and dashes (TRX-...): anything else is bad input (400, nothing stored), not an
        // unknown payment (a stored 404).
        if (!errors.ContainsKey("transactionId") && !TransactionIdShape().IsMatch(request.TransactionId!))
        {
            errors["transactionId"] = ["A transaction id such as TRX-20261124-…"];
        }

        if (request.Amount is not null)
        {
            MoneyRules.Amount(request.Amount, errors);
        }

        MoneyRules.Text(request.Reason, 255, errors, "reason");
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await money.ExecuteAsync(http, request, (userId, _) => Task.FromResult<PostingRequest>(
            new PostingRequest.Refund(userId, request.TransactionId!, request.Amount, request.Reason)), ct);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,50}$")]
    private static partial Regex TransactionIdShape();
}
