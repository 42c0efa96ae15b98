using System.Text.Json;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.GoPay;

/// <summary>
/// Verifies a GoPay notification (<c>POST /api/payments/callbacks/gopay</c>) from its raw body: the
/// <c>signature_key</c> is recomputed with our server key and compared in constant time.
/// </summary>
public sealed class GoPayCallbackVerifier(IOptions<GoPayOptions> options, ILogger<GoPayCallbackVerifier> logger)
{
    /// <summary>The verified callback, or null when the body is malformed, the signature is wrong, or the
    /// status contradicts the signed status code (answer <c>401 INVALID_SIGNATURE</c>).</summary>
    /// <remarks>
    /// The signature covers <c>order_id</c>, <c>status_code</c> and <c>gross_amount</c> only, and no timestamp:
    /// a recorded callback can be replayed, so applying it must be idempotent (the contract requires that anyway).
    /// <see cref="ProviderCallback.ProviderReference"/> (<c>charge_id</c>) is not covered by the signature.
    /// </remarks>
    public ProviderCallback? Verify(ReadOnlySpan<byte> body)
    {
        GoPayNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize<GoPayNotification>(body);
        }
        catch (JsonException)
        {
            return Reject("malformed JSON");
        }

        if (notification is not { OrderId: { } orderId, StatusCode: { } statusCode, GrossAmount: { } grossAmount, SignatureKey: { } signature, Status: { } status })
        {
            return Reject("missing fields");
        }

        if (!GoPaySignature.Matches(signature, orderId, statusCode, grossAmount, options.Value.ServerKey))
        {
            return Reject("signature mismatch");
        }

        var outcome = GoPayWire.Outcome(status);
        if (outcome is null || outcome != GoPayWire.OutcomeOfCode(statusCode))
        {
            return Reject($"status {status} does not agree with status_code {statusCode}");
        }

        if (!GoPayWire.TryParseAmount(grossAmount, out var amount))
        {
            return Reject("unreadable gross_amount");
        }

        return new ProviderCallback(PaymentMethod.Gopay, orderId, notification.ChargeId ?? "", outcome.Value, status, amount);
    }

    private ProviderCallback? Reject(string reason)
    {
        logger.LogWarning("Rejected a GoPay callback: {Reason}", reason);
        return null;
    }
}
