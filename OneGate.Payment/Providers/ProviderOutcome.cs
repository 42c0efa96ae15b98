namespace OneGate.Payment.Providers;

/// <summary>Where a charge stands at the provider, whatever the provider calls it.</summary>
public enum ProviderOutcome
{
    /// <summary>The money was taken (GoPay <c>settlement</c>/<c>capture</c>, ShopeePay <c>SUCCESS</c>).</summary>
    Succeeded,

    /// <summary>Not decided yet; a callback or a later status query will tell.</summary>
    Pending,

    /// <summary>Refused or ended without payment (GoPay <c>deny</c>/<c>cancel</c>/<c>expire</c>/<c>failure</c>, ShopeePay <c>FAILED</c>/<c>CANCELLED</c>/<c>EXPIRED</c>).</summary>
    Declined,

    /// <summary>The provider reversed the charge itself (SNAP status <c>04</c>): nothing is held for us.</summary>
    Refunded,
}
