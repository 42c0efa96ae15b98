using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.ShopeePay;

/// <summary>
/// The ShopeePay-like protocol: every request carries a partner-signed JWT over its method, path and body;
/// every response and callback is signed by the sandbox the same way. Payments are idempotent by reference_id.
/// </summary>
public static class ShopeePayApi
{
    private const int MaxReferenceLength = 50;
    private const decimal MaxAmount = 9_999_999_999_999.99m;

    public static IEndpointRouteBuilder MapShopeePayApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/shopeepay/v3/payments")
            .WithTags("ShopeePay sandbox")
            .AddEndpointFilter<ShopeePayRequestVerifier>();

        payments.MapPost("", CreatePayment)
            .WithName("ShopeePayCreatePayment")
            .WithSummary("Charge the customer's ShopeePay wallet (idempotent by reference_id)");
        payments.MapGet("/{referenceId}", GetPayment)
            .WithName("ShopeePayGetPayment")
            .WithSummary("Status of a payment by reference_id");

        return app;
    }

    private static async Task<Results<Created<ShopeePayPayment>, Ok<ShopeePayPayment>, BadRequest<ShopeePayError>, Conflict<ShopeePayError>>> CreatePayment(
        HttpContext context, ChargeBook charges, CancellationToken cancellationToken)
    {
        ShopeePayPaymentRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ShopeePayPaymentRequest>(ShopeePayRequestVerifier.VerifiedBody(context));
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest(new ShopeePayError("INVALID_REQUEST", "The body is not valid JSON of the expected shape."));
        }

        if (request is null || string.IsNullOrWhiteSpace(request.ReferenceId) || request.ReferenceId.Length > MaxReferenceLength)
        {
            return TypedResults.BadRequest(new ShopeePayError("INVALID_REQUEST", $"reference_id is required (at most {MaxReferenceLength} characters)."));
        }

        if (request.Amount is not { } amount || amount <= 0 || amount > MaxAmount || decimal.Round(amount, 2) != amount)
        {
            return TypedResults.BadRequest(new ShopeePayError("INVALID_REQUEST", "amount must be a positive number with at most 2 fraction digits."));
        }

        if (request.Currency != "IDR")
        {
            return TypedResults.BadRequest(new ShopeePayError("INVALID_REQUEST", "currency must be IDR."));
        }

        if (!Uri.TryCreate(request.CallbackUrl, UriKind.Absolute, out var callbackUrl) || (callbackUrl.Scheme != Uri.UriSchemeHttp && callbackUrl.Scheme != Uri.UriSchemeHttps))
        {
            return TypedResults.BadRequest(new ShopeePayError("INVALID_REQUEST", "callback_url must be an absolute http(s) URL."));
        }

        var transactionSn = $"SP{DateTime.UtcNow:yyyyMMddHHmmss}{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        var opening = charges.Open(SandboxProvider.ShopeePay, request.ReferenceId, amount, request.Currency, callbackUrl, transactionSn);
        if (opening.Kind == ChargeOpeningKind.Conflict)
        {
            return TypedResults.Conflict(new ShopeePayError("DUPLICATE_REFERENCE_ID",
                "This reference_id was already used with another amount, currency or provider."));
        }

        await charges.WaitUntilAnswerableAsync(opening.Charge, cancellationToken);
        var shown = ShopeePayPayment.From(opening.Charge);
        return opening.Kind == ChargeOpeningKind.Created
            ? TypedResults.Created($"/shopeepay/v3/payments/{Uri.EscapeDataString(shown.ReferenceId)}", shown)
            : TypedResults.Ok(shown);
    }

    private static Results<Ok<ShopeePayPayment>, NotFound<ShopeePayError>> GetPayment(string referenceId, ChargeBook charges) =>
        charges.Find(SandboxProvider.ShopeePay, referenceId) is { } charge
            ? TypedResults.Ok(ShopeePayPayment.From(charge))
            : TypedResults.NotFound(new ShopeePayError("NOT_FOUND", "No payment with this reference_id."));
}
