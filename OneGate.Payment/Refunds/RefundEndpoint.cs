using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OneGate.Payment.Data;
using OneGate.Payment.Ledger;

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
                             "are serialised on the payment row. 404 TRANSACTION_NOT_FOUND; 422 REFUND_EXCEEDS_PAYMENT, NOT_REFUNDABLE.")
            .Produces<Transactions.TransactionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked);
        return group;
    }

    private static async Task<IResult> Refund(RefundRequest request, HttpContext http, MoneyRequests money, Ledger.Ledger ledger, PaymentDbContext db, CancellationToken ct)
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

        return await money.ExecuteAsync(http, request, async (userId, token) =>
        {
            // Locks the payment row: two refunds of one payment run one after the other.
            var payment = await db.HistoricalTransactions
                .FromSqlInterpolated($"SELECT * FROM historical_transactions WHERE transaction_id = {request.TransactionId} AND user_id = {userId} FOR UPDATE")
                .SingleOrDefaultAsync(token);
            if (payment is null)
            {
                return MoneyOutcome.Refused(MoneyRules.Problem(http, StatusCodes.Status404NotFound, "TRANSACTION_NOT_FOUND", "Transaction not found",
                    "No transaction with that id belongs to you."));
            }

            var refunded = await db.HistoricalTransactions
                .Where(t => t.RelatedTransactionId == payment.TransactionId && t.Type == TransactionType.Refund && t.Status == TransactionStatus.Success)
                .SumAsync(t => t.Amount, token);
            var refundable = payment.Amount - refunded;
            if (payment.Type != TransactionType.Payment || payment.Status != TransactionStatus.Success || refundable <= 0)
            {
                return MoneyOutcome.Refused(MoneyRules.Problem(http, StatusCodes.Status422UnprocessableEntity, "NOT_REFUNDABLE", "Not refundable",
                    "Only a successful payment with an amount not yet refunded can be refunded."));
            }

            var amount = request.Amount ?? refundable;
            if (amount > refundable)
            {
                return MoneyOutcome.Refused(MoneyRules.Problem(http, StatusCodes.Status422UnprocessableEntity, "REFUND_EXCEEDS_PAYMENT", "Refund exceeds payment",
                    $"At most {refundable:0.00} of this payment can still be refunded.", new Dictionary<string, object?> { ["refundable"] = refundable }));
            }

            var (row, failure) = await ledger.RefundAsync(userId, payment, amount, request.Reason, token);
            return row is null ? MoneyOutcome.Refused(MoneyRules.Refused(http, failure)) : MoneyOutcome.Done(row);
        }, ct);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,50}$")]
    private static partial Regex TransactionIdShape();
}
