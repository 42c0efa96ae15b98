namespace OneGate.Payment.Providers;

/// <summary>Where a charge stands at the provider (mapped from SNAP in <see cref="Snap.SnapResponseMapping"/>).</summary>
public enum ProviderOutcome
{
    /// <summary>The money was taken (<c>2005400</c>, status <c>00</c>).</summary>
    Succeeded,

    /// <summary>Not decided yet (<c>2025400</c>, status <c>01</c>/<c>02</c>/<c>03</c>); a notification or a later inquiry will tell.</summary>
    Pending,

    /// <summary>Refused or ended without payment (403 declines, 400 refusals of the request, status <c>05</c>/<c>06</c>).</summary>
    Declined,

    /// <summary>The money was taken and given back (status <c>04</c>).</summary>
    Refunded,
}
