using Microsoft.AspNetCore.Http.HttpResults;
using OneGate.Payment.Providers;
using OneGate.Payment.Providers.GoPay;
using OneGate.Payment.Providers.ShopeePay;

namespace OneGate.Payment.TopUps;

/// <summary>
/// E-wallet notifications. No bearer token: the provider's signature over the raw body is the
/// authentication, and a bad one is 401 INVALID_SIGNATURE with nothing changed. Repeats are harmless.
/// </summary>
public static class ProviderCallbackEndpoints
{
    public sealed record CallbackAck(bool Received, string TransactionId, string Status);

    public static IEndpointRouteBuilder MapProviderCallbacks(this IEndpointRouteBuilder app)
    {
        var callbacks = app.MapGroup("/api/payments/callbacks").WithTags("Provider callbacks").AllowAnonymous();
        callbacks.MapPost("/gopay", async (HttpContext http, GoPayCallbackVerifier verifier, TopUpSettlement settlement, CancellationToken ct) =>
                await HandleAsync(verifier.Verify(await ReadBodyAsync(http, ct)), settlement, ct))
            .WithName("GoPayCallback")
            .WithSummary("GoPay payment notification (signature_key = SHA-512 of order_id, status_code, gross_amount, server key)");
        callbacks.MapPost("/shopeepay", async (HttpContext http, ShopeePayCallbackVerifier verifier, TopUpSettlement settlement, CancellationToken ct) =>
                await HandleAsync(verifier.Verify(await ReadBodyAsync(http, ct), http.Request.Headers["X-Timestamp"], http.Request.Headers["X-Signature"]), settlement, ct))
            .WithName("ShopeePayCallback")
            .WithSummary("ShopeePay payment notification (X-Timestamp + X-Signature JWT over the body)");
        return app;
    }

    private static async Task<Results<Ok<CallbackAck>, ProblemHttpResult>> HandleAsync(ProviderCallback? callback, TopUpSettlement settlement, CancellationToken ct)
    {
        if (callback is null)
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "INVALID_SIGNATURE", "Invalid signature", "The notification's signature did not verify.");
        }

        // A notification only speaks for top-ups made through the provider that signed it.
        var existing = await settlement.FindAsync(callback.TransactionId, ct);
        var topUp = existing?.PaymentMethod != callback.Method ? null
            : await settlement.ApplyAsync(new ProviderChargeResult(callback.Outcome, callback.TransactionId, callback.ProviderReference, callback.RawStatus, callback.Amount, callback.FailureReason), ct);
        return topUp is null
            ? Problems.Of(StatusCodes.Status404NotFound, "TRANSACTION_NOT_FOUND", "Transaction not found", "No top-up with that id.")
            : TypedResults.Ok(new CallbackAck(true, topUp.TransactionId, topUp.Status.ToString().ToUpperInvariant()));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct); // Kestrel's 64 KiB body limit bounds this
        return buffer.ToArray();
    }
}
