using OneGate.Payment.Data;

namespace OneGate.Payment.Providers;

/// <summary>
/// Picks the provider for a top-up's payment method. Transient like the typed HTTP clients behind it:
/// take it as an endpoint parameter, or resolve it from a scope per reconciliation pass (never keep it in a singleton).
/// </summary>
public sealed class EWalletProviders(IEnumerable<IEWalletProvider> providers)
{
    private readonly Dictionary<PaymentMethod, IEWalletProvider> _byMethod = providers.ToDictionary(p => p.Method);

    public IEWalletProvider For(PaymentMethod method) =>
        _byMethod.TryGetValue(method, out var provider)
            ? provider
            : throw new ArgumentOutOfRangeException(nameof(method), method, "No e-wallet provider is registered for this payment method.");
}
