using OneGate.Payment.Data;

namespace OneGate.Payment.Providers;

/// <summary>
/// An e-wallet gave no answer we can trust: timeout, connection failure, 5xx, open circuit, refused credentials,
/// a response with a bad signature or one that does not match the request. Whether the charge exists is unknown:
/// answer <c>503 PROVIDER_UNAVAILABLE</c>, keep the top-up PENDING and let reconciliation query the status.
/// </summary>
public sealed class ProviderUnavailableException(PaymentMethod method, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public PaymentMethod Method { get; } = method;
}
