using System.Text.Json;
using OneGate.Payment.Data;

namespace OneGate.Payment.Providers.ShopeePay;

/// <summary>
/// Verifies a ShopeePay notification (<c>POST /api/payments/callbacks/shopeepay</c>) from its raw body and its
/// <c>X-Timestamp</c> / <c>X-Signature</c> headers (the same signature as the provider's responses).
/// </summary>
public sealed class ShopeePayCallbackVerifier(ShopeePaySignatures signatures, ILogger<ShopeePayCallbackVerifier> logger)
{
    /// <summary>The verified callback, or null when the signature is missing, forged, stale (outside the clock
    /// skew) or the body is not a payment we can read (answer <c>401 INVALID_SIGNATURE</c>).</summary>
    /// <param name="body">The request body exactly as received (read it raw; do not re-serialise).</param>
    /// <param name="timestamp">The <c>X-Timestamp</c> header.</param>
    /// <param name="signature">The <c>X-Signature</c> header.</param>
    public ProviderCallback? Verify(ReadOnlySpan<byte> body, string? timestamp, string? signature)
    {
        if (!signatures.IsSignedByProvider(body, timestamp, signature))
        {
            return Reject("signature missing, invalid or stale");
        }

        ShopeePayPayment? payment;
        try
        {
            payment = JsonSerializer.Deserialize<ShopeePayPayment>(body);
        }
        catch (JsonException)
        {
            return Reject("malformed JSON");
        }

        if (payment is not { ReferenceId: { } referenceId, TransactionSn: { } transactionSn, Amount: { } amount, Status: { } status }
            || ShopeePayWire.Outcome(status) is not { } outcome)
        {
            return Reject("not a payment we can read");
        }

        return new ProviderCallback(PaymentMethod.ShopeePay, referenceId, transactionSn, outcome, status, amount, payment.FailureReason);
    }

    private ProviderCallback? Reject(string reason)
    {
        logger.LogWarning("Rejected a ShopeePay callback: {Reason}", reason);
        return null;
    }
}
