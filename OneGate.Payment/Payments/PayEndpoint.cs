using OneGate.Payment.Ledger;
using OneGate.Payment.Money;

namespace OneGate.Payment.Payments;

/// <param name="Merchant">Who is paid (1-100 characters).</param>
/// <param name="ExternalReference">The merchant's own order reference, if any (at most 100 characters).</param>
public sealed record PayRequest(decimal? Amount, string? Merchant, string? Description = null, string? ExternalReference = null);

public static class PayEndpoint
{
    public static RouteGroupBuilder MapPay(this RouteGroupBuilder group)
    {
        group.MapPost("/pay", Pay)
            .WithName("Pay")
            .WithSummary("Pay a merchant from the balance")
            .WithDescription(MoneyRequests.IdempotencyRules + "201 with the PAYMENT DEBIT transaction; 422 INSUFFICIENT_FUNDS; 423 ACCOUNT_NOT_ACTIVE.")
            .Produces<Transactions.TransactionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked);
        return group;
    }

    private static async Task<IResult> Pay(PayRequest request, HttpContext http, MoneyRequests money, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        MoneyRules.Amount(request.Amount, errors);
        MoneyRules.Text(request.Merchant, 100, errors, "merchant", required: true);
        MoneyRules.Text(request.Description, 255, errors, "description");
        MoneyRules.Text(request.ExternalReference, 100, errors, "externalReference");
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await money.ExecuteAsync(http, request, (userId, _) => Task.FromResult<PostingRequest>(
            new PostingRequest.Pay(userId, request.Amount!.Value, request.Merchant!.Trim(), request.Description, request.ExternalReference)), ct);
    }
}
