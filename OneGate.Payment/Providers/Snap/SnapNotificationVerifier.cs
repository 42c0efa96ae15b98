using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OneGate.Payment.Data;
using OneGate.Snap;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// Verifies a provider's notification (service 56) as received: SHA256withRSA with that provider's public key over
/// <c>METHOD:path:sha256(minify(body)):X-TIMESTAMP</c>, the timestamp within <see cref="SnapProviderOptions.NotificationMaxSkew"/>
/// of our clock either way, then the body's fields. A replay within the skew verifies again, so applying a
/// notification must be idempotent (settlement is).
/// </summary>
public sealed class SnapNotificationVerifier(IOptionsMonitor<SnapProviderOptions> options, TimeProvider time, ILogger<SnapNotificationVerifier> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, RSA> _keys = new();

    public SnapNotificationCheck Verify(PaymentMethod method, string httpMethod, string path, ReadOnlySpan<byte> body, string? timestamp, string? signature)
    {
        var name = SnapProviderNames.Of(method);
        var o = options.Get(name);
        if (!SnapTimestamp.IsFresh(timestamp, time.GetUtcNow(), o.NotificationMaxSkew)
            || !SnapSignature.VerifyNotification(PublicKey(name, o), httpMethod, path, body, timestamp!, signature))
        {
            return Refuse(method, StatusCodes.Status401Unauthorized, "00", "Unauthorized. Invalid signature or timestamp");
        }

        var notification = SnapJson.TryDeserialize<DebitNotification>(body);
        if (notification is null)
        {
            return Refuse(method, StatusCodes.Status400BadRequest, "01", "Invalid Field Format");
        }

        if (string.IsNullOrEmpty(notification.OriginalPartnerReferenceNo) || notification.Amount is null
            || string.IsNullOrEmpty(notification.LatestTransactionStatus))
        {
            return Refuse(method, StatusCodes.Status400BadRequest, "02", "Invalid Mandatory Field");
        }

        if (notification.OriginalPartnerReferenceNo.Length > 64 || !notification.Amount.TryGetValue(out var amount)
            || SnapResponseMapping.Outcome(notification.LatestTransactionStatus) is not { } outcome)
        {
            return Refuse(method, StatusCodes.Status400BadRequest, "01", "Invalid Field Format");
        }

        return SnapNotificationCheck.Accepted(new ProviderChargeResult(outcome, notification.OriginalPartnerReferenceNo,
            notification.OriginalReferenceNo ?? "", notification.LatestTransactionStatus, amount,
            outcome == ProviderOutcome.Declined ? SnapResponseMapping.FailureReason(notification.LatestTransactionStatus, notification.TransactionStatusDesc) : null));
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private RSA PublicKey(string name, SnapProviderOptions o) => _keys.GetOrAdd(name, _ => SnapKeys.Import(o.ProviderPublicKeyPem));

    private SnapNotificationCheck Refuse(PaymentMethod method, int status, string caseCode, string message)
    {
        logger.LogWarning("Refused a {Provider} notification: {Status} {Message}", method, status, message);
        return SnapNotificationCheck.Refused(status, caseCode, message);
    }
}
